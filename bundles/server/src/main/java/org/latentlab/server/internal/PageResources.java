package org.latentlab.server.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardResource;

/**
 * The web page: the bundle's {@code web/} folder served at {@code /} by the servlet whiteboard itself
 * ({@code /app.js} is {@code web/app.js}). The API's longer pattern {@code /api/*} wins over this one;
 * {@link PageFilter} adds the page's security headers, serves {@code /} as {@code /index.html} and
 * refuses methods other than GET.
 */
@Component(service = PageResources.class)
@HttpWhiteboardResource(pattern = PageResources.PATTERN, prefix = "/web")
public class PageResources {

    static final String PATTERN = "/*";
}
