package org.latentlab.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.LatentLabException;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.metric.MetricResult;
import org.junit.jupiter.api.Test;

class ServiceCatalogTest {

    static Metric metric() {
        return (ctx, p) -> MetricResult.ofSummary(Map.of());
    }

    static Map<String, Object> props(String id, long serviceId, int ranking) {
        return Map.of("latentlab.id", id, "service.id", serviceId, "service.ranking", ranking, "service.description", "d" + serviceId);
    }

    @Test
    void aServiceIsFoundByKindAndIdAndGoesAwayWhenUnbound() {
        ServiceCatalog c = new ServiceCatalog();
        Metric m = metric();
        c.addMetric(m, props("path-length", 7, 0));
        assertSame(m, c.find(Metric.class, "path-length").orElseThrow());
        assertTrue(c.find(IterationStrategy.class, "path-length").isEmpty(), "kinds are separate");
        c.removeMetric(m, props("path-length", 7, 0));
        assertTrue(c.find(Metric.class, "path-length").isEmpty());
        LatentLabException e = assertThrows(LatentLabException.class, () -> c.require(Metric.class, "path-length"));
        assertTrue(e.getMessage().contains("no metric with id 'path-length' is registered"), e.getMessage());
    }

    @Test
    void higherRankingWinsThenTheOlderServiceAndTheListShowsEachIdOnce() {
        ServiceCatalog c = new ServiceCatalog();
        Metric older = metric();
        Metric newer = metric();
        Metric ranked = metric();
        c.addMetric(older, props("m", 5, 0));
        c.addMetric(newer, props("m", 9, 0));
        assertSame(older, c.find(Metric.class, "m").orElseThrow(), "same ranking: the older service");
        c.addMetric(ranked, props("m", 12, 10));
        assertSame(ranked, c.find(Metric.class, "m").orElseThrow(), "higher ranking wins");
        List<CapabilityInfo> list = c.list();
        assertEquals(1, list.size());
        assertEquals("d12", list.get(0).description());
        c.removeMetric(ranked, props("m", 12, 10));
        assertSame(older, c.find(Metric.class, "m").orElseThrow());
    }
}
