package org.latentlab.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.latentlab.api.LatentLabException;
import org.latentlab.server.internal.rest.JobView;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The REST API under {@code /api/}. Every call needs the token ({@code Authorization: Bearer TOKEN},
 * or {@code ?token=} for links and images). Errors are JSON {@code {"error": "..."}} with a 4xx
 * status that says whose fault it is.
 */
@Component(service = Servlet.class, property = {"osgi.http.whiteboard.servlet.pattern=/api/*",
        "osgi.http.whiteboard.servlet.name=latentlab-api"})
public class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Reference
    transient LabServer lab;

    @Reference
    transient JobService jobs;

    @Reference
    transient ModelRegistry models;

    @Reference
    transient CapabilityListing capabilities;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        HttpAnswers.securityHeaders(resp, false);
        try {
            if (lab.startupProblem() != null) {
                throw new ApiException(503, lab.startupProblem());
            }
            if (!authorised(req, resp)) {
                resp.setHeader("WWW-Authenticate", "Bearer");
                throw new ApiException(401, "missing or wrong token: send 'Authorization: Bearer TOKEN' "
                        + "(printed by 'latentlab serve' at first start; 'latentlab serve --new-token' makes a new one)");
            }
            long max = lab.settings().maxRequestBytes();
            if (req.getContentLengthLong() > max) { // refused before a byte of the body is read
                throw new BodyLimit.TooLarge(max);
            }
            route(req, resp);
        } catch (ApiException e) {
            error(resp, e.status, e.getMessage());
        } catch (LatentLabException e) {
            error(resp, 400, e.getMessage());
        } catch (BodyLimit.TooLarge e) {
            error(resp, 413, e.getMessage());
        } catch (JsonProcessingException e) {
            BodyLimit.TooLarge tooLarge = BodyLimit.TooLarge.in(e);
            if (tooLarge != null) {
                error(resp, 413, tooLarge.getMessage());
            } else {
                error(resp, 400, "the request body is not valid JSON: " + e.getOriginalMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            BodyLimit.TooLarge tooLarge = BodyLimit.TooLarge.in(e);
            if (tooLarge != null) {
                error(resp, 413, tooLarge.getMessage());
                return;
            }
            LabServer.LOG.log(java.util.logging.Level.WARNING, "internal error on " + req.getMethod() + " " + req.getRequestURI(), e);
            error(resp, 500, "internal error (" + e.getClass().getSimpleName() + "); see the server's log"
                    + lab.logFile().map(f -> " " + f).orElse(""));
        }
    }

    static final String COOKIE = "latentlab_token";

    /**
     * Bearer header, or {@code ?token=} (then also remembered in a SameSite=Strict, HttpOnly cookie
     * so a report's own images load), or that cookie, for GET requests only.
     */
    private boolean authorised(HttpServletRequest req, HttpServletResponse resp) {
        String h = req.getHeader("Authorization");
        if (h != null && h.startsWith("Bearer ")) {
            return lab.tokens().matches(h.substring(7).trim());
        }
        String q = req.getParameter("token");
        if (q != null) {
            boolean ok = lab.tokens().matches(q);
            if (ok) {
                resp.addHeader("Set-Cookie", COOKIE + "=" + q + "; Path=/api/; HttpOnly; SameSite=Strict");
            }
            return ok;
        }
        if ("GET".equals(req.getMethod()) && req.getCookies() != null) {
            for (jakarta.servlet.http.Cookie c : req.getCookies()) {
                if (COOKIE.equals(c.getName())) {
                    return lab.tokens().matches(c.getValue());
                }
            }
        }
        return false;
    }

    private void route(HttpServletRequest req, HttpServletResponse resp) throws Exception {
        String path = Optional.ofNullable(req.getPathInfo()).orElse("/");
        List<String> p = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        String m = req.getMethod();
        if (p.isEmpty()) {
            throw new ApiException(404, "see /api/services, /api/experiments, /api/models, /api/jobs");
        }
        switch (p.get(0)) {
            case "services" -> {
                method(m, "GET");
                json(resp, 200, capabilities.services());
            }
            case "experiments" -> {
                method(m, "GET");
                if (p.size() > 1) {
                    throw new ApiException(404, "experiments are listed at /api/experiments and run with POST /api/jobs "
                            + "{\"experiment\": ID, ...}");
                }
                json(resp, 200, capabilities.experiments());
            }
            case "plugins" -> {
                method(m, "GET");
                json(resp, 200, capabilities.plugins());
            }
            case "status" -> {
                method(m, "GET");
                json(resp, 200, lab.status());
            }
            case "models" -> {
                if (m.equals("GET")) {
                    json(resp, 200, models.list());
                } else {
                    method(m, "POST");
                    json(resp, 201, models.register(body(req)));
                }
            }
            case "jobs" -> jobs(req, resp, p, m);
            default -> throw new ApiException(404, "no API resource '" + p.get(0) + "'");
        }
    }

    private void jobs(HttpServletRequest req, HttpServletResponse resp, List<String> p, String m) throws Exception {
        if (p.size() == 1) {
            if (m.equals("GET")) {
                int limit = parseInt(req.getParameter("limit"), 100);
                json(resp, 200, jobs.jobs(limit));
            } else {
                method(m, "POST");
                json(resp, 201, jobs.submit(body(req)));
            }
            return;
        }
        String id = p.get(1);
        if (id.equals("compare")) {
            method(m, "GET");
            String ids = req.getParameter("ids");
            if (ids == null || ids.isBlank()) {
                throw new ApiException(400, "compare needs ?ids=JOB1,JOB2");
            }
            json(resp, 200, jobs.compare(Arrays.asList(ids.split(",")), parseInt(req, "pictures", DEFAULT_PICTURES, 0,
                    JobService.MAX_PICTURES)));
            return;
        }
        if (p.size() == 2) {
            method(m, "GET");
            json(resp, 200, jobs.job(id));
            return;
        }
        switch (p.get(2)) {
            case "cancel" -> {
                method(m, "POST");
                json(resp, 200, jobs.cancel(id));
            }
            case "rerun" -> {
                method(m, "POST");
                json(resp, 201, jobs.rerun(id));
            }
            case "events" -> {
                method(m, "GET");
                events(resp, id);
            }
            case "files" -> {
                method(m, "GET");
                if (p.size() == 3) {
                    json(resp, 200, jobs.files(id));
                } else {
                    String name = String.join("/", p.subList(3, p.size()));
                    Path f = jobs.file(id, name).orElseThrow(() -> new ApiException(404,
                            "job '" + id + "' has no file '" + name + "'"));
                    String type = Files.probeContentType(f);
                    resp.setContentType(name.endsWith(".html") ? "text/html; charset=utf-8"
                            : name.endsWith(".json") ? "application/json" : type != null ? type : "application/octet-stream");
                    resp.setContentLengthLong(Files.size(f));
                    Files.copy(f, resp.getOutputStream());
                }
            }
            default -> throw new ApiException(404, "no job action '" + p.get(2) + "'");
        }
    }

    /** Open event streams at most: each holds a server thread. */
    static final int MAX_STREAMS = 32;
    private final transient java.util.concurrent.Semaphore streams = new java.util.concurrent.Semaphore(MAX_STREAMS);

    /** Server-sent events: the job's state at once and after every change until it has finished (one hour at most). */
    private void events(HttpServletResponse resp, String id) throws Exception {
        jobs.job(id); // 404 before the stream starts
        if (!streams.tryAcquire()) {
            throw new ApiException(429, MAX_STREAMS + " event streams are open; poll GET /api/jobs/" + id + " instead");
        }
        try {
            stream(resp, id);
        } finally {
            streams.release();
        }
    }

    /** How long a stream lasts at most. */
    static final Duration STREAM_DEADLINE = Duration.ofHours(1);
    /** A comment line this often while nothing changes, so a client that went away is noticed. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private void stream(HttpServletResponse resp, String id) throws Exception {
        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("utf-8");
        PrintWriter w = resp.getWriter();
        JobChanges changes = new JobChanges();
        Runnable stop = jobs.live(id).map(changes::follow).orElse(() -> { });
        try {
            long end = System.nanoTime() + STREAM_DEADLINE.toNanos();
            while (true) {
                JobView j = jobs.job(id); // what changed is read afresh: changes that came meanwhile are in it
                w.write("event: progress\ndata: " + Json.MAPPER.writeValueAsString(j).replace("\n", " ") + "\n\n");
                w.flush();
                if (w.checkError()) {
                    return; // client went away
                }
                if (!j.active()) {
                    w.write("event: done\ndata: " + j.status() + "\n\n");
                    w.flush();
                    return;
                }
                if (jobs.live(id).isEmpty()) { // not followed (any more): its end was recorded meanwhile, or cannot be
                    if (jobs.job(id).active()) {
                        return; // nothing will change this record while the server runs
                    }
                    continue; // the next turn tells the end
                }
                while (!changes.await(Math.min(HEARTBEAT.toNanos(), end - System.nanoTime()))) {
                    if (System.nanoTime() >= end) {
                        return;
                    }
                    w.write(": waiting\n\n");
                    w.flush();
                    if (w.checkError()) {
                        return;
                    }
                }
            }
        } finally {
            stop.run();
        }
    }

    /** The JSON body, read through a cap: a chunked body longer than allowed stops being read at the limit. */
    private JsonNode body(HttpServletRequest req) throws IOException {
        JsonNode n = Json.MAPPER.readTree(new BodyLimit(req.getInputStream(), lab.settings().maxRequestBytes()));
        if (n == null || n.isMissingNode()) {
            throw new ApiException(400, "the request body is empty; send a JSON object");
        }
        return n;
    }

    private static void method(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new ApiException(405, "use " + expected + " here, not " + actual);
        }
    }

    private static int parseInt(String s, int def) {
        try {
            return s == null ? def : Math.max(1, Math.min(10000, Integer.parseInt(s)));
        } catch (NumberFormatException e) {
            throw new ApiException(400, "'" + s + "' is not a number");
        }
    }

    /** Attractor pictures per job that {@code /api/jobs/compare} lists unless {@code ?pictures=} says otherwise. */
    static final int DEFAULT_PICTURES = 8;

    /** A whole number in [min, max] from a query parameter, or its default when absent. */
    private static int parseInt(HttpServletRequest req, String name, int def, int min, int max) {
        String s = req.getParameter(name);
        if (s == null) {
            return def;
        }
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiException(400, "?" + name + "=" + s + " is not a whole number from " + min + " to " + max);
    }

    private static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        HttpAnswers.json(resp, status, body);
    }

    private static void error(HttpServletResponse resp, int status, String message) throws IOException {
        HttpAnswers.error(resp, status, message, false);
    }
}
