package org.latentlab.server.internal.rest;

/** The body of {@code POST /api/models}: a model folder under the roots, and the name to give it (default: the model's). */
public record ModelRegistration(String path, String name) {}
