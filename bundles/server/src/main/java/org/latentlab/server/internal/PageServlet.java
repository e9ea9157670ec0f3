package org.latentlab.server.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** The web page: static files from the bundle's {@code web/} folder at {@code /}. */
@Component(service = Servlet.class, property = {"osgi.http.whiteboard.servlet.pattern=/",
        "osgi.http.whiteboard.servlet.name=latentlab-page"})
public class PageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
        if (name.contains("..") || name.contains("/")) {
            resp.sendError(404);
            return;
        }
        try (InputStream in = PageServlet.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                resp.sendError(404, "no page " + name);
                return;
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            resp.setContentType(TYPES.getOrDefault(ext, "application/octet-stream"));
            in.transferTo(resp.getOutputStream());
        }
    }
}
