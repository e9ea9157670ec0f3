package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.npy.Npy;

/**
 * One validation for every command (issue 9, items 7 and 11): field refuses what analyze refuses
 * (NaN, empty, misshapen point files, NaN grid bounds) and writes nothing; train refuses
 * non-finite and out-of-range options and an oversized --train-size by name; odd .npy headers
 * name the file and the problem. Every message is one line without a stack trace.
 */
class CommandValidationIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path MEMORIZER = MODELS.resolve("memorizer");
    static LabFixture lab;
    static Path bad;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("validation");
        bad = Files.createDirectories(lab.home.resolve("bad"));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    static void assertError(LabFixture.Result r, int code, String words) {
        assertEquals(code, r.code(), "exit status; out: " + r.out() + " err: " + r.err());
        assertTrue(r.err().contains(words), "message should contain '" + words + "': " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace or exception name: " + r.err());
    }

    /** A float32 .npy file written as NumPy would, but with the header text given. */
    static Path craftedNpy(String name, String shape, int dataBytes) throws Exception {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), (byte) (header.length() >> 8)});
        b.write(header.getBytes(StandardCharsets.ISO_8859_1));
        b.write(new byte[dataBytes]);
        return Files.write(bad.resolve(name), b.toByteArray());
    }

    LabFixture.Result field(String... args) throws Exception {
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--model", MEMORIZER.toString()),
                java.util.Arrays.stream(args)).toArray(String[]::new);
        return lab.runAny("field", all);
    }

    @Test
    void fieldRefusesTheLatentPointsAnalyzeRefusesAndWritesNothing() throws Exception {
        Path out = lab.home.resolve("field-out");
        Path nan = bad.resolve("nan.npy");
        Npy.writeFloats(nan, new int[] {2, 4}, new float[] {0, 0, 0, 0, 0, Float.NaN, 0, 0});
        Path inf = bad.resolve("inf.npy");
        Npy.writeFloats(inf, new int[] {1, 4}, new float[] {0, 0, Float.POSITIVE_INFINITY, 0});
        Path empty = bad.resolve("empty.npy");
        Npy.writeFloats(empty, new int[] {0, 4}, new float[0]);
        Path narrow = bad.resolve("narrow.npy");
        Npy.writeFloats(narrow, new int[] {2, 3}, new float[6]);

        assertError(field("--points", nan.toString(), "--out", out.toString()), 1, "--points " + nan + ": row 1, column 1 is NaN");
        assertError(field("--points", inf.toString(), "--out", out.toString()), 1, "row 0, column 2 is infinite");
        assertError(field("--points", empty.toString(), "--out", out.toString()), 1, "--points " + empty + " holds no points");
        assertError(field("--points", narrow.toString(), "--out", out.toString()), 1, "has shape [2, 3]; it must be [n, 4]");
        assertError(field("--points", bad.resolve("missing.npy").toString(), "--out", out.toString()), 1,
                "--points file " + bad.resolve("missing.npy") + " does not exist");
        assertError(field("--grid", "-1:1:5,-1:1:5", "--plane", nan.toString(), "--out", out.toString()), 1, "must be [3, 4]");
        Path nanPlane = bad.resolve("nan-plane.npy");
        Npy.writeFloats(nanPlane, new int[] {3, 4}, new float[] {0, 0, 0, 0, 1, 0, 0, 0, 0, Float.NaN, 0, 0});
        assertError(field("--grid", "-1:1:5,-1:1:5", "--plane", nanPlane.toString(), "--out", out.toString()), 1,
                "--plane " + nanPlane + ": row 2, column 1 is NaN");
        for (String grid : List.of("NaN:1:5,-1:1:5", "-1:1:5,0:Infinity:3", "-1:1e300:5,0:1:3")) {
            assertError(field("--grid", grid, "--out", out.toString()), 2, "FROM and TO must be finite numbers");
        }
        assertError(field("--grid", "-1:1:5", "--out", out.toString()), 2, "--grid must look like X0:X1:NX,Y0:Y1:NY");
        assertFalse(Files.exists(out), "no NaN results written");

        // the same file through analyze: the same rule
        LabFixture.Result a = lab.runAny("analyze", "--model", MEMORIZER.toString(), "--seeds", nan.toString(), "--out",
                lab.home.resolve("analyze-out").toString(), "--quiet");
        assertError(a, 1, "row 1, column 1 is NaN");
    }

    @Test
    void oddNpyHeadersNameTheFileAndTheProblem() throws Exception {
        Path negative = craftedNpy("negative.npy", "-2, 4", 32);
        Path overflow = craftedNpy("overflow.npy", "65536, 65536, 65536, 65536", 64);
        Path product = craftedNpy("product.npy", "1073741824, 4", 64);
        assertError(field("--points", negative.toString(), "--out", lab.home.resolve("x").toString()), 1,
                negative + ": negative dimension -2");
        assertError(field("--points", overflow.toString(), "--out", lab.home.resolve("x").toString()), 1,
                overflow + ": shape [65536, 65536, 65536, 65536] has more values than any file can hold");
        assertError(field("--points", product.toString(), "--out", lab.home.resolve("x").toString()), 1,
                product + ": truncated: shape [1073741824, 4] needs 17179869184 data bytes, found 64");
        for (Path seeds : List.of(negative, overflow, product)) {
            LabFixture.Result r = lab.runAny("analyze", "--model", MEMORIZER.toString(), "--seeds", seeds.toString(), "--out",
                    lab.home.resolve("y").toString(), "--quiet");
            assertError(r, 1, seeds.toString());
            assertFalse(r.err().contains("capacity < 0") || r.err().contains("len < 0"), r.err());
        }
    }

    LabFixture.Result train(String... args) throws Exception {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--epochs", "1",
                "--out", lab.home.resolve("model").toString())).toArray(String[]::new);
        return lab.runAny("train", all);
    }

    @Test
    void trainRefusesBadNumbersByNameBeforeTraining() throws Exception {
        assertError(train("--weight-decay", "NaN"), 2, "--weight-decay NaN: must be a finite number");
        assertError(train("--lr", "Infinity"), 2, "--lr Infinity: must be a finite number");
        assertError(train("--input-noise", "-1"), 2, "--input-noise -1.0: must be a finite number >= 0");
        assertError(train("--mask", "1"), 2, "--mask 1.0: must be a fraction");
        assertError(train("--hidden", "1,-32"), 2, "--hidden 1,-32: every width must be >= 1, found -32");
        assertError(train("--hidden", "16,,8"), 2, "--hidden '' is not a whole number");
        assertError(train("--epochs", "many"), 2, "--epochs 'many' is not a whole number");
        assertError(train("--activation", "swish"), 2, "--activation 'swish' is unknown; use relu, tanh");
        assertError(train("--train-size", "100", "--latent", "100000000"), 1,
                "would have 12,800,000,000 weights, more than one layer can hold");
        assertFalse(Files.exists(lab.home.resolve("model")), "nothing written");

        // needs MNIST (fetched into this lab's data folder): the real size is in the message, nothing is clamped
        LabFixture.Result big = train("--train-size", "99999");
        assertError(big, 2, "--train-size 99999: mnist's train split has 60000 examples");
        assertFalse(big.err().contains("epoch"), "no training started: " + big.err());
        assertFalse(Files.exists(lab.home.resolve("model")), "nothing written");
    }
}
