package org.latentlab.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@link LatentMapBenchmark#picardIteration} measured on request, so that side_by_side.py can alternate LatentLab's
 * fixed steps with PyTorch's round by round: JMH runs each case in a fork of its own, minutes away from the PyTorch
 * measurement it is compared with, and on a shared machine the load moves in between (PyTorch's two runs of one
 * batch, before and after JMH, once read 77,080 and 51,213 seed-steps/s). Each request runs the very benchmark
 * method, on the same state JMH would set up, for whole invocations.
 *
 * <pre>
 * java -cp ... org.latentlab.benchmarks.FixedStepsServer --models DIR CASE...     CASE = backend:precision:batch
 * stdin:  CASE SECONDS          (one line per measurement; an empty line or end of input stops)
 * stdout: ok CASE RATE CPU      (seed-steps per second; process CPU seconds per seed-step)
 * </pre>
 *
 * Every case is set up (its model loaded) before the first {@code ready} line, so no request pays for loading.
 */
public final class FixedStepsServer {

    private FixedStepsServer() {}

    public static void main(String[] args) throws Exception {
        String models = "";
        Map<String, LatentMapBenchmark> cases = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--models")) {
                models = args[++i];
            } else {
                cases.put(args[i], null);
            }
        }
        for (String name : cases.keySet()) {
            String[] p = name.split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("a case is backend:precision:batch, not " + name);
            }
            LatentMapBenchmark b = new LatentMapBenchmark();
            b.backend = p[0];
            b.precision = p[1];
            b.batch = Integer.parseInt(p[2]);
            b.map = "fused";
            b.models = models;
            b.setUp();
            cases.put(name, b);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("ready " + String.join(" ", cases.keySet()));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
                String[] request = line.trim().split("\\s+");
                LatentMapBenchmark b = cases.get(request[0]);
                if (b == null || request.length != 2) {
                    throw new IllegalArgumentException("not a request (CASE SECONDS of " + cases.keySet() + "): " + line);
                }
                long wanted = (long) (Double.parseDouble(request[1]) * 1e9);
                LatentMapBenchmark.SeedSteps counter = new LatentMapBenchmark.SeedSteps();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                long elapsed;
                do {
                    b.picardIteration(counter);
                    elapsed = System.nanoTime() - t0;
                } while (elapsed < wanted);
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                System.out.println(String.format(Locale.ROOT, "ok %s %.1f %.4g", request[0],
                        counter.seedSteps / (elapsed / 1e9), cpu / counter.seedSteps));
                System.out.flush();
            }
        } finally {
            for (LatentMapBenchmark b : cases.values()) {
                b.tearDown();
            }
        }
    }
}
