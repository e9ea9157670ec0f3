package org.latentlab.server.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * The web page: static files from the bundle's {@code web/} folder at {@code /}. Being the default
 * servlet, it also answers every unknown path outside {@code /api/}: with a JSON 404.
 */
@Component(service = Servlet.class, property = {"osgi.http.whiteboard.servlet.pattern=/",
        "osgi.http.whiteboard.servlet.name=latentlab-page"})
public class PageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpAnswers.securityHeaders(resp, true);
        String m = req.getMethod();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            HttpAnswers.error(resp, 405, "the page only answers GET; the API is under /api/", true);
            return;
        }
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
        InputStream in = name.contains("..") || name.contains("/") ? null : PageServlet.class.getResourceAsStream("/web/" + name);
        if (in == null) {
            HttpAnswers.error(resp, 404, "nothing at " + path + "; the page is at /, the API under /api/", true);
            return;
        }
        try (in) {
            String ext = name.substring(name.lastIndexOf('.') + 1);
            resp.setContentType(TYPES.getOrDefault(ext, "application/octet-stream"));
            if (m.equals("GET")) {
                in.transferTo(resp.getOutputStream());
            }
        }
    }
}
