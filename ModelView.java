package org.latentlab.server.internal.rest;

/** A model folder registered under a name ({@code POST /api/models}). */
public record ModelView(String name, String path, int latentDim) {}
