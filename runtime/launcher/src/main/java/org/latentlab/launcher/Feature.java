package org.latentlab.launcher;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A feature: a named group of bundles, read from an OSGi Feature JSON file (OSGi Compendium R8,
 * chapter 159). Only the parts the launcher acts on are read: id, name, description, bundles with
 * their start order, and the optional extension {@value #LAUNCH_EXTENSION}: whether the feature
 * starts by default, and which commands need it (the server feature starts only for 'serve').
 */
record Feature(String id, String name, String description, List<Artifact> bundles, boolean byDefault,
        List<String> commands) {

    /** Name of the optional JSON extension with LatentLab's launch hints: {"default": false, "commands": ["serve"]}. */
    static final String LAUNCH_EXTENSION = "latentlab-launch:JSON|optional";

    /** A bundle of a feature: Maven coordinates {@code group:artifact[:type[:classifier]]:version}. */
    record Artifact(String groupId, String artifactId, String type, String classifier, String version, int startOrder) {

        static Artifact parse(String id, int startOrder) {
            String[] p = id.split(":");
            return switch (p.length) {
                case 3 -> new Artifact(p[0], p[1], "jar", null, p[2], startOrder);
                case 4 -> new Artifact(p[0], p[1], p[2], null, p[3], startOrder);
                case 5 -> new Artifact(p[0], p[1], p[2], p[3], p[4], startOrder);
                default -> throw new IllegalArgumentException("bundle id '" + id
                        + "' is not group:artifact[:type[:classifier]]:version");
            };
        }

        /** Where the artifact lies in a Maven-layout folder. */
        Path in(Path repository) {
            String file = artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + "." + type;
            return repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version).resolve(file);
        }

        @Override
        public String toString() {
            return groupId + ":" + artifactId + ":" + version;
        }
    }

    static Feature read(Path file) throws IOException {
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException("feature file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!json.has("id")) {
            throw new IOException("feature file " + file + " has no \"id\"");
        }
        List<Artifact> bundles = new ArrayList<>();
        if (json.has("bundles")) {
            for (JsonElement b : json.getAsJsonArray("bundles")) {
                try {
                    if (b.isJsonPrimitive()) {
                        bundles.add(Artifact.parse(b.getAsString(), 1));
                    } else {
                        JsonObject o = b.getAsJsonObject();
                        int order = o.has("start-order") ? Integer.parseInt(o.get("start-order").getAsString()) : 1;
                        bundles.add(Artifact.parse(o.get("id").getAsString(), order));
                    }
                } catch (RuntimeException e) {
                    throw new IOException("feature file " + file + ": bad bundle entry " + b + ": " + e.getMessage(), e);
                }
            }
        }
        boolean byDefault = true;
        List<String> commands = new ArrayList<>();
        if (json.has("extensions") && json.getAsJsonObject("extensions").has(LAUNCH_EXTENSION)) {
            JsonObject launch = json.getAsJsonObject("extensions").getAsJsonObject(LAUNCH_EXTENSION);
            byDefault = !launch.has("default") || launch.get("default").getAsBoolean();
            if (launch.has("commands")) {
                launch.getAsJsonArray("commands").forEach(c -> commands.add(c.getAsString()));
            }
        }
        return new Feature(json.get("id").getAsString(), text(json, "name"), text(json, "description"), List.copyOf(bundles),
                byDefault, List.copyOf(commands));
    }

    private static String text(JsonObject json, String key) {
        return json.has(key) ? json.get(key).getAsString() : "";
    }
}
