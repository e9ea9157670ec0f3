/**
 * The REST API's bodies as records: what {@code /api/} answers and accepts, bound by Jackson. Field
 * names and which fields are left out when empty are the wire format; change them only with the API.
 */
package org.latentlab.server.internal.rest;
