package org.latentlab.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small client of the lab server's REST API, as any HTTP client would use it. */
final class ServerClient {

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(body);
        }
    }

    final String base;
    final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ServerClient(String base, String token) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.token = token;
    }

    /** Reads "listening on URL" and "token: T" from the output of 'latentlab serve'. */
    static ServerClient fromServeOutput(String out, String knownToken) {
        Matcher a = Pattern.compile("listening on (http://\\S+)").matcher(out);
        Matcher t = Pattern.compile("token:\\s+([A-Za-z0-9_-]{20,})").matcher(out);
        if (!a.find()) {
            throw new AssertionError("no address in: " + out);
        }
        return new ServerClient(a.group(1), t.find() ? t.group(1) : knownToken);
    }

    Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), true);
    }

    Response getWithoutToken(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), false);
    }

    Response post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), true);
    }

    Response send(HttpRequest.Builder b, boolean auth) throws Exception {
        if (auth) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers());
    }

    /** Polls a job until it has finished; returns its final record. */
    /** Cancels every job still queued or running and waits until each has ended (tests start from a quiet server). */
    void cancelUnfinishedJobs() throws Exception {
        for (JsonNode j : get("api/jobs?limit=1000").json()) {
            String s = j.path("status").asText();
            if (s.equals("queued") || s.equals("running")) {
                post("api/jobs/" + j.path("id").asText() + "/cancel", "");
                awaitFinished(j.path("id").asText(), Duration.ofSeconds(60));
            }
        }
    }

    JsonNode awaitFinished(String id, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode j = get("api/jobs/" + id).json();
            String s = j.path("status").asText();
            if (!s.equals("queued") && !s.equals("running")) {
                return j;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("job " + id + " still " + s + " after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /** Polls a job until it is running in the given stage (e.g. "iterating": its services are looked up). */
    JsonNode awaitStage(String id, String stage, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode j = get("api/jobs/" + id).json();
            if (j.path("status").asText().equals("running") && j.at("/progress/stage").asText().equals(stage)) {
                return j;
            }
            if (!j.path("status").asText().equals("queued") && !j.path("status").asText().equals("running")) {
                throw new AssertionError("job " + id + " ended before its stage " + stage + ": " + j);
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("job " + id + " is not in stage " + stage + " after " + timeout + ": " + j);
            }
            Thread.sleep(50);
        }
    }

    JsonNode awaitStatus(String id, String status, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode j = get("api/jobs/" + id).json();
            if (j.path("status").asText().equals(status)) {
                return j;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("job " + id + " is " + j.path("status").asText() + ", not " + status);
            }
            Thread.sleep(50);
        }
    }
}
