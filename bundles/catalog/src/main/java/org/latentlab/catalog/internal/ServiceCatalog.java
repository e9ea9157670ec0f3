package org.latentlab.catalog.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.latentlab.api.Capability;
import org.latentlab.api.catalog.CapabilityInfo;
import org.latentlab.api.catalog.CapabilityKind;
import org.latentlab.api.experiment.Experiment;
import org.latentlab.api.ood.OodScore;
import org.latentlab.api.catalog.Catalog;
import org.latentlab.api.ServiceProperties;
import org.latentlab.api.attractor.AttractorClusterer;
import org.latentlab.api.data.DataSet;
import org.latentlab.api.data.SeedSource;
import org.latentlab.api.dynamics.IterationStrategy;
import org.latentlab.api.export.Exporter;
import org.latentlab.api.metric.Metric;
import org.latentlab.api.model.ModelBackend;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link Catalog}: binds every capability service dynamically (plugins come and go without
 * restarting anything) and keys them by kind and {@code latentlab.id}. When two services share an
 * id, the one with the higher service ranking, then the older one, wins.
 */
@Component(service = Catalog.class)
public class ServiceCatalog implements Catalog {

    /** One registered capability. */
    record Entry(CapabilityKind kind, String id, String description, Capability service, int ranking, long serviceId,
            String bundle, String bundleVersion) {

        CapabilityInfo info() {
            List<org.latentlab.api.ParameterSpec> params;
            try {
                params = List.copyOf(service.parameters());
            } catch (RuntimeException e) { // a broken plugin must not break the listing
                params = List.of();
            }
            return new CapabilityInfo(kind, id, description, params, bundle, bundleVersion);
        }
    }

    private static final Comparator<Entry> PRECEDENCE = Comparator.comparingInt(Entry::ranking).reversed()
            .thenComparingLong(Entry::serviceId);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public List<CapabilityInfo> list() {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::kind).thenComparing(Entry::id).thenComparing(PRECEDENCE));
        List<CapabilityInfo> out = new ArrayList<>();
        Entry last = null;
        for (Entry e : sorted) {
            if (last == null || last.kind() != e.kind() || !last.id().equals(e.id())) {
                out.add(e.info());
            }
            last = e;
        }
        return out;
    }

    @Override
    public <T extends Capability> Optional<T> find(Class<T> type, String id) {
        CapabilityKind kind = CapabilityKind.of(type);
        return entries.stream().filter(e -> e.kind() == kind && e.id().equals(id)).min(PRECEDENCE)
                .map(e -> type.cast(e.service()));
    }

    void add(CapabilityKind kind, Capability service, Map<String, Object> props) {
        entries.add(entry(kind, service, props));
    }

    void remove(CapabilityKind kind, Capability service, Map<String, Object> props) {
        long sid = serviceId(props);
        entries.removeIf(e -> e.kind() == kind && e.serviceId() == sid);
    }

    static Entry entry(CapabilityKind kind, Capability service, Map<String, Object> props) {
        Object id = props.get(ServiceProperties.ID);
        if (id == null) { // tolerate plugins that forgot the id: fall back to the component name
            id = props.getOrDefault("component.name", service.getClass().getName());
        }
        Object desc = props.getOrDefault(ServiceProperties.DESCRIPTION, "");
        Object ranking = props.get(Constants.SERVICE_RANKING);
        org.osgi.framework.Bundle b = org.osgi.framework.FrameworkUtil.getBundle(service.getClass());
        return new Entry(kind, id.toString(), desc.toString(), service, ranking instanceof Integer r ? r : 0,
                serviceId(props), b == null ? "?" : b.getSymbolicName(), b == null ? "?" : b.getVersion().toString());
    }

    private static long serviceId(Map<String, Object> props) {
        Object sid = props.get(Constants.SERVICE_ID);
        return sid instanceof Long l ? l : -1L;
    }

    // One bind/unbind pair per kind: DS needs the interface type to track each.

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addExperiment(Experiment s, Map<String, Object> p) { add(CapabilityKind.EXPERIMENT, s, p); }
    void removeExperiment(Experiment s, Map<String, Object> p) { remove(CapabilityKind.EXPERIMENT, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addCellExecutor(org.latentlab.api.sweep.CellExecutor s, Map<String, Object> p) { add(CapabilityKind.CELL_EXECUTOR, s, p); }
    void removeCellExecutor(org.latentlab.api.sweep.CellExecutor s, Map<String, Object> p) { remove(CapabilityKind.CELL_EXECUTOR, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addPartExecutor(org.latentlab.api.engine.SeedPartExecutor s, Map<String, Object> p) { add(CapabilityKind.PART_EXECUTOR, s, p); }
    void removePartExecutor(org.latentlab.api.engine.SeedPartExecutor s, Map<String, Object> p) { remove(CapabilityKind.PART_EXECUTOR, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addOodScore(OodScore s, Map<String, Object> p) { add(CapabilityKind.OOD_SCORE, s, p); }
    void removeOodScore(OodScore s, Map<String, Object> p) { remove(CapabilityKind.OOD_SCORE, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(ModelBackend s, Map<String, Object> p) { add(CapabilityKind.BACKEND, s, p); }
    void removeBackend(ModelBackend s, Map<String, Object> p) { remove(CapabilityKind.BACKEND, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStrategy(IterationStrategy s, Map<String, Object> p) { add(CapabilityKind.STRATEGY, s, p); }
    void removeStrategy(IterationStrategy s, Map<String, Object> p) { remove(CapabilityKind.STRATEGY, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addClusterer(AttractorClusterer s, Map<String, Object> p) { add(CapabilityKind.CLUSTERER, s, p); }
    void removeClusterer(AttractorClusterer s, Map<String, Object> p) { remove(CapabilityKind.CLUSTERER, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addMetric(Metric s, Map<String, Object> p) { add(CapabilityKind.METRIC, s, p); }
    void removeMetric(Metric s, Map<String, Object> p) { remove(CapabilityKind.METRIC, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addExporter(Exporter s, Map<String, Object> p) { add(CapabilityKind.EXPORTER, s, p); }
    void removeExporter(Exporter s, Map<String, Object> p) { remove(CapabilityKind.EXPORTER, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addDataSet(DataSet s, Map<String, Object> p) { add(CapabilityKind.DATASET, s, p); }
    void removeDataSet(DataSet s, Map<String, Object> p) { remove(CapabilityKind.DATASET, s, p); }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addSeedSource(SeedSource s, Map<String, Object> p) { add(CapabilityKind.SEED_SOURCE, s, p); }
    void removeSeedSource(SeedSource s, Map<String, Object> p) { remove(CapabilityKind.SEED_SOURCE, s, p); }
}
