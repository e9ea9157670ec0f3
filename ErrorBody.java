package org.latentlab.server.internal.rest;

/** Every error: {@code {"error": "..."}}, one line saying what is wrong and what to do. */
public record ErrorBody(String error) {}
