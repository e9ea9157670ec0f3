package org.latentlab.experiments.dictionary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentlab.api.experiment.ExperimentRequest;
import org.latentlab.launcher.spi.CommandLines;

/** The command line of {@code latentlab dictionary}: what reaches the request, and bad usage (exit 2). */
class DictionaryOptionsTest {

    record Parsed(int code, String err, ExperimentRequest request) {}

    static Parsed parse(String... args) throws Exception {
        DictionaryOptions o = new DictionaryOptions();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExperimentRequest[] req = new ExperimentRequest[1];
        int code = CommandLines.run("dictionary", o, List.of(args), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> {
                    req[0] = o.request();
                    return 0;
                });
        return new Parsed(code, err.toString(StandardCharsets.UTF_8), req[0]);
    }

    @Test
    void optionsBecomeTheExperimentsParameters() throws Exception {
        Parsed p = parse("--model", "m", "--inputs", "mnist:test:100", "--training", "mnist:train:500", "--noise", "50",
                "--sparsity", "1,3", "--random-seed", "7", "--out", "o");
        assertEquals(0, p.code());
        assertEquals("dictionary", p.request().experiment());
        assertEquals(Map.of("inputs", "mnist:test:100", "training", "mnist:train:500", "noise", "50", "seed", "7", "sparsity", "1,3"),
                p.request().params());
        assertEquals(Path.of("o").toAbsolutePath(), p.request().outDir());
    }

    @Test
    void leftOutOptionsAreLeftToTheExperimentsDefaults() throws Exception {
        assertEquals(Map.of("inputs", "t.npy"), parse("--model", "m", "--inputs", "t.npy", "--out", "o").request().params());
    }

    @Test
    void missingInputsAndBadSparsityAreBadUsage() throws Exception {
        Parsed p = parse("--model", "m", "--out", "o");
        assertEquals(2, p.code());
        assertTrue(p.err().startsWith("dictionary: --inputs TEST is required"), p.err());
        Parsed q = parse("--model", "m", "--inputs", "t.npy", "--sparsity", "1,-2", "--out", "o");
        assertEquals(2, q.code());
        assertTrue(q.err().startsWith("dictionary: --sparsity: sparsity -2 is out of range"), q.err());
    }
}
