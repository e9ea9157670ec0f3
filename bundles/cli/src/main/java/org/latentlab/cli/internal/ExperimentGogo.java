package org.latentlab.cli.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands {@code lab:experiments} (what {@code latentlab experiment --list} prints) and
 * {@code lab:experiment ID key=value... out=DIR [model=DIR]}, which runs the experiment like
 * {@code latentlab experiment} and returns what it prints once the job has ended. Both run the
 * command's own code, so the shell and the terminal answer alike.
 */
@Component(service = ExperimentGogo.class, property = {"osgi.command.scope=lab", "osgi.command.function=experiments",
        "osgi.command.function=experiment"})
public class ExperimentGogo {

    @Reference
    ExperimentCommand command;

    /** lab:experiments — the registered experiments with their parameters. */
    public String experiments() throws Exception {
        return run(List.of("--list"));
    }

    /** lab:experiment ID key=value... out=DIR [model=DIR] — runs it and waits; fails with the command's message. */
    public String experiment(String id, String... args) throws Exception {
        return run(argv(id, args));
    }

    /** {@code out=} and {@code model=} become --out and --model; every other key=value a --param. */
    static List<String> argv(String id, String... args) {
        List<String> argv = new ArrayList<>(List.of(id, "--quiet"));
        for (String a : args) {
            if (a.startsWith("out=")) {
                argv.addAll(List.of("--out", a.substring(4)));
            } else if (a.startsWith("model=")) {
                argv.addAll(List.of("--model", a.substring(6)));
            } else {
                argv.addAll(List.of("--param", a));
            }
        }
        return argv;
    }

    private String run(List<String> argv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = command.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            // the first line says what is wrong; the help that may follow it belongs to the terminal command
            String e = err.toString(StandardCharsets.UTF_8).strip();
            throw new IllegalArgumentException(e.contains("\n") ? e.substring(0, e.indexOf('\n')) : e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
