package org.latentlab.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.latentlab.npy.Npy;

/**
 * The careless and hostile user, as a table: more than a hundred bad inputs to the command line and
 * the REST API. Each must end with a clear one-line error (its words are asserted), the right exit
 * status or HTTP code, no stack trace, and nothing of the user's lost: a sentinel folder of the
 * user's files (some of them the targets of the probes) is compared byte for byte after every probe.
 */
class ProbeSuiteIT {

    static final Path MODELS = Path.of(System.getProperty("latentlab.it.models"));
    static final Path MEM = MODELS.resolve("memorizer");

    static LabFixture lab;
    static ServerClient api;
    /** The user's own files; probes point at them, none may change. */
    static Path user;
    /** Bad inputs made for the probes (under the model roots, so the API reaches them too). */
    static Path bad;
    static Map<String, String> before;

    @BeforeAll
    static void start() throws Exception {
        lab = LabFixture.start("probes");
        api = lab.serve(MODELS);
        user = lab.home.resolve("user");
        resetUserFiles();
        before = digest(user);
        bad = Files.createDirectories(lab.home.resolve("bad"));
        makeBadInputs();
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    // ---- the probes

    record CliProbe(String name, String command, List<String> args, int code, String words) {}

    record ApiProbe(String name, String method, String path, String body, int status, String words) {}

    static List<CliProbe> cliProbes() {
        String m = MEM.toString();
        String out = bad.resolve("out-never-written").toString();
        String keep = user.resolve("keep").toString();
        String file = user.resolve("notes.txt").toString();
        String below = user.resolve("notes.txt/sub").toString();
        String seeds = MEM.resolve("seeds.npy").toString();
        List<CliProbe> p = new ArrayList<>();
        // analyze: usage
        p.add(cli("analyze: nothing", "analyze", List.of(), 2, "--model DIR is required"));
        p.add(cli("analyze: no out", "analyze", List.of("--model", m), 2, "--out DIR is required"));
        p.add(cli("analyze: no seeds", "analyze", List.of("--model", m, "--out", out), 2, "exactly one of"));
        p.add(cli("analyze: two seed kinds", "analyze", List.of("--model", m, "--noise", "5", "--seeds", seeds, "--out", out), 2,
                "exactly one of"));
        p.add(cli("analyze: unknown option", "analyze", List.of("--model", m, "--bogus", "1", "--out", out), 2, "unknown option --bogus"));
        p.add(cli("analyze: positional", "analyze", List.of("oops", "--model", m), 2, "unexpected argument 'oops'"));
        p.add(cli("analyze: option without value", "analyze", List.of("--model"), 2, "--model needs a value"));
        p.add(cli("analyze: param not key=value", "analyze", List.of("--model", m, "--noise", "5", "--strategy-param", "tolerance",
                "--out", out), 2, "is not key=value"));
        // analyze: model folders
        p.add(cli("analyze: missing model", "analyze", List.of("--model", bad.resolve("nope").toString(), "--noise", "5", "--out", out),
                1, "does not exist"));
        p.add(cli("analyze: a model file given as the folder", "analyze", List.of("--model", MEM.resolve("encoder.onnx").toString(),
                "--noise", "5", "--out", out), 1, "is a file; give the folder that holds model.json (" + MEM + ")"));
        for (String[] c : badModels()) {
            p.add(cli("analyze: model " + c[0], "analyze", List.of("--model", bad.resolve("model-" + c[0]).toString(), "--noise", "5",
                    "--out", out), 1, c[2]));
        }
        // analyze: seeds
        for (String[] c : badSeedFiles()) {
            p.add(cli("analyze: seeds " + c[0], "analyze", List.of("--model", m, "--seeds", bad.resolve(c[0] + ".npy").toString(),
                    "--out", out), 1, c[1]));
        }
        p.add(cli("analyze: inputs of the wrong shape", "analyze", List.of("--model", m, "--inputs",
                bad.resolve("narrow.npy").toString(), "--out", out), 1, "takes [n, 16]"));
        p.add(cli("analyze: NaN inputs", "analyze", List.of("--model", m, "--inputs", bad.resolve("nan-inputs.npy").toString(),
                "--out", out), 1, "is NaN"));
        // above inMemorySeeds the run goes in parts with per-seed files in the staging folder: a NaN in the second part fails
        // the job after the first part's files were written, and those go with the staging folder (checked for every probe)
        p.add(cli("analyze: NaN inputs in a later part", "analyze", List.of("--model", m, "--inputs",
                bad.resolve("nan-late-inputs.npy").toString(), "--out", out), 1, "row " + NAN_LATE_ROW + ", column 3 is NaN"));
        p.add(cli("analyze: missing seed file", "analyze", List.of("--model", m, "--seeds", bad.resolve("none.npy").toString(),
                "--out", out), 1, "does not exist"));
        for (String[] c : new String[][] {{"-1", "out of range"}, {"0", "out of range"}, {"abc", "abc"}, {"10.5", "10.5"},
                {"99999999999", "99999999999"}}) {
            p.add(cli("analyze: --noise " + c[0], "analyze", List.of("--model", m, "--noise", c[0], "--out", out), 1, c[1]));
        }
        // many seeds run in parts (memory does not grow with them); a part of wide seeds can still not fit
        p.add(cli("analyze: parts too large for the heap", "analyze", List.of("--model", bad.resolve("model-wide-latent").toString(),
                "--noise", "500000", "--out", out), 1, "500,000 seeds of dimension 20000 run in parts of about 104,096 seeds"));
        p.add(cli("analyze: parts too large for an array", "analyze", List.of("--model",
                bad.resolve("model-wider-latent").toString(), "--noise", "2000000000", "--out", out), 1, "do not fit in one array"));
        if (carelessSeedsRefused()) { // one zero too many: refused before it writes, not when the disk is full
            p.add(cli("analyze: per-seed files larger than half the free disk", "analyze", List.of("--model", m, "--noise",
                    String.valueOf(Integer.MAX_VALUE), "--out", out), 1, "a run may use at most half of it"));
        }
        p.add(cli("analyze: --noise-sigma -1", "analyze", List.of("--model", m, "--noise", "5", "--noise-sigma", "-1", "--out", out),
                1, "out of range"));
        p.add(cli("analyze: --noise-sigma NaN", "analyze", List.of("--model", m, "--noise", "5", "--noise-sigma", "NaN", "--out", out),
                1, "NaN"));
        p.add(cli("analyze: unknown strategy", "analyze", List.of("--model", m, "--noise", "5", "--strategy", "nope", "--out", out), 1,
                "no strategy with id 'nope'"));
        p.add(cli("analyze: strategy param out of range", "analyze", List.of("--model", m, "--noise", "5", "--strategy-param",
                "tolerance=-1", "--out", out), 1, "'tolerance' = -1 is out of range"));
        p.add(cli("analyze: strategy param not a number", "analyze", List.of("--model", m, "--noise", "5", "--strategy-param",
                "maxSteps=many", "--out", out), 1, "maxSteps"));
        p.add(cli("analyze: unknown strategy param", "analyze", List.of("--model", m, "--noise", "5", "--strategy-param",
                "speed=11", "--out", out), 1, "speed"));
        p.add(cli("analyze: unknown clusterer", "analyze", List.of("--model", m, "--noise", "5", "--clusterer", "nope", "--out", out), 1,
                "no clusterer with id 'nope'"));
        p.add(cli("analyze: clusterer param out of range", "analyze", List.of("--model", m, "--noise", "5", "--clusterer-param",
                "threshold=2", "--out", out), 1, "threshold"));
        p.add(cli("analyze: unknown metric", "analyze", List.of("--model", m, "--noise", "5", "--metric", "nope", "--out", out), 1,
                "no metric with id 'nope'"));
        p.add(cli("analyze: unknown exporter", "analyze", List.of("--model", m, "--noise", "5", "--exporters", "json,nope", "--out", out),
                1, "no exporter with id 'nope'"));
        p.add(cli("analyze: unknown seed source", "analyze", List.of("--model", m, "--seed-source", "nope", "--out", out), 1,
                "no seeds with id 'nope'"));
        p.add(cli("analyze: grid of 0 points", "analyze", List.of("--model", m, "--seed-source", "grid", "--seed-param", "nx=0",
                "--out", out), 1, "out of range"));
        p.add(cli("analyze: unknown training set", "analyze", List.of("--model", m, "--noise", "5", "--training", "nope:train",
                "--out", out), 1, "no dataset with id 'nope'"));
        // analyze: where results go
        p.add(cli("analyze: out is the user's folder", "analyze", List.of("--model", m, "--noise", "5", "--out", keep), 1, keep));
        p.add(cli("analyze: out is a file", "analyze", List.of("--model", m, "--noise", "5", "--out", file), 1, file));
        p.add(cli("analyze: out below a file", "analyze", List.of("--model", m, "--noise", "5", "--out", below), 1, "notes.txt"));
        p.add(cli("analyze: seeds that the run would replace", "analyze", List.of("--model", m, "--seeds",
                bad.resolve("an-analysis-output/endpoints.npy").toString(), "--out", bad.resolve("an-analysis-output").toString()), 1,
                "is a file of the earlier output in " + bad.resolve("an-analysis-output") + ", which this run replaces"));
        p.add(cli("analyze: out is another kind of output", "analyze", List.of("--model", m, "--noise", "5", "--out",
                bad.resolve("a-field-output").toString()), 1, "a-field-output"));
        // field
        p.add(cli("field: nothing", "field", List.of(), 2, "need --model, --out and one of --points or --grid"));
        p.add(cli("field: points and grid", "field", List.of("--model", m, "--points", seeds, "--grid", "0:1:2,0:1:2", "--out", out), 2,
                "one of --points or --grid"));
        p.add(cli("field: unknown option", "field", List.of("--model", m, "--what", "x", "--out", out), 2, "unknown option --what"));
        p.add(cli("field: missing model", "field", List.of("--model", bad.resolve("nope").toString(), "--points", seeds, "--out", out),
                1, "does not exist"));
        p.add(cli("field: missing points", "field", List.of("--model", m, "--points", bad.resolve("none.npy").toString(), "--out", out),
                1, "none.npy"));
        for (String[] c : badSeedFiles()) {
            p.add(cli("field: points " + c[0], "field", List.of("--model", m, "--points", bad.resolve(c[0] + ".npy").toString(),
                    "--out", out), 1, c[1]));
        }
        for (String[] c : new String[][] {{"abc", "--grid must look like"}, {"0:1:5", "--grid must look like"},
                {"0:1:0,0:1:5", "COUNT must be 1..10000"}, {"0:1:99999,0:1:5", "COUNT must be 1..10000"},
                {"NaN:1:5,0:1:5", "must be finite"}, {"0:Infinity:5,0:1:5", "must be finite"}, {"nan:1:5,0:1:5", "FROM:TO:COUNT"}, {"0:1:x,0:1:5", "FROM:TO:COUNT"}}) {
            p.add(cli("field: grid " + c[0], "field", List.of("--model", MODELS.resolve("tiny-mlp").toString(), "--grid", c[0], "--out",
                    out), 2, c[1])); // a malformed --grid is bad usage
        }
        p.add(cli("field: grid without plane at k=4", "field", List.of("--model", m, "--grid", "0:1:3,0:1:3", "--out", out), 1,
                "needs --plane"));
        p.add(cli("field: plane of the wrong shape", "field", List.of("--model", m, "--grid", "0:1:3,0:1:3", "--plane",
                bad.resolve("narrow.npy").toString(), "--out", out), 1, "it must be [3, 4]"));
        p.add(cli("field: degenerate plane", "field", List.of("--model", m, "--grid", "0:1:3,0:1:3", "--plane",
                bad.resolve("flat-plane.npy").toString(), "--out", out), 1, "does not span a new direction"));
        p.add(cli("field: NaN plane", "field", List.of("--model", m, "--grid", "0:1:3,0:1:3", "--plane",
                bad.resolve("nan-plane.npy").toString(), "--out", out), 1, "NaN"));
        p.add(cli("field: out is the user's folder", "field", List.of("--model", m, "--points", seeds, "--out", keep), 1, keep));
        p.add(cli("field: out is a file", "field", List.of("--model", m, "--points", seeds, "--out", file), 1, file));
        p.add(cli("field: out below a file", "field", List.of("--model", m, "--points", seeds, "--out", below), 1, "notes.txt"));
        // train (each is refused before any data is loaded)
        p.add(cli("train: no out", "train", List.of(), 2, "--out DIR is required"));
        for (String[] c : new String[][] {{"--latent", "0"}, {"--latent", "x"}, {"--epochs", "0"}, {"--batch", "-5"}, {"--lr", "0"},
                {"--lr", "NaN"}, {"--weight-decay", "NaN"}, {"--weight-decay", "-1"}, {"--weight-decay", "Infinity"},
                {"--mask", "1"}, {"--input-noise", "-0.1"}, {"--train-size", "0"}, {"--hidden", "a,b"}, {"--hidden", "0"},
                {"--bogus", "1"}}) {
            p.add(cli("train: " + c[0] + " " + c[1], "train", List.of(c[0], c[1], "--out", out), 2, c[0].equals("--bogus")
                    ? "unknown option --bogus" : c[0].equals("--hidden") ? "hidden" : c[0]));
        }
        p.add(cli("train: unknown data set", "train", List.of("--dataset", "nope", "--out", out), 1, "no dataset with id 'nope'"));
        p.add(cli("train: out is the user's folder", "train", List.of("--out", keep, "--epochs", "1", "--train-size", "16"), 1, keep));
        p.add(cli("train: out is a file", "train", List.of("--out", file, "--epochs", "1", "--train-size", "16"), 1, file));
        p.add(cli("train: out below a file", "train", List.of("--out", below, "--epochs", "1", "--train-size", "16"), 1, "notes.txt"));
        // demo
        p.add(cli("demo: --seeds 0", "demo", List.of("--seeds", "0"), 2, "--seeds must be 1..10000"));
        p.add(cli("demo: --seeds abc", "demo", List.of("--seeds", "abc"), 2, "--seeds must be 1..10000"));
        p.add(cli("demo: unknown argument", "demo", List.of("--fast"), 2, "unknown option --fast"));
        p.add(cli("demo: out is the user's folder", "demo", List.of("--out", keep), 1, keep));
        p.add(cli("demo: out is a file", "demo", List.of("--out", file), 1, file));
        // services, unknown commands
        p.add(cli("services: unknown option", "services", List.of("--bogus"), 2, "--bogus"));
        p.add(cli("unknown command", "no-such-command", List.of(), 2, "no bundle provides the command 'no-such-command'"));
        return p;
    }

    static List<ApiProbe> apiProbes() {
        String m = MEM.toString();
        String job = "{\"model\": \"" + m + "\", \"seeds\": ";
        List<ApiProbe> p = new ArrayList<>();
        p.add(api("root of the API", "GET", "api/", null, 404, "api/services"));
        p.add(api("unknown resource", "GET", "api/nope", null, 404, "no API resource 'nope'"));
        p.add(api("wrong method", "DELETE", "api/services", null, 405, "error"));
        p.add(api("PUT a job list", "PUT", "api/jobs", "{}", 405, "error"));
        p.add(api("not JSON", "POST", "api/jobs", "{ not json", 400, "not valid JSON"));
        p.add(api("empty body", "POST", "api/jobs", "", 400, "error"));
        p.add(api("array body", "POST", "api/jobs", "[]", 400, "must be a JSON object"));
        p.add(api("null body", "POST", "api/jobs", "null", 400, "must be a JSON object"));
        p.add(api("no model", "POST", "api/jobs", "{}", 400, "\\\"model\\\" is required"));
        p.add(api("model a number", "POST", "api/jobs", "{\"model\": 5, \"seeds\": {\"noise\": 5}}", 400, "must be a non-empty string"));
        p.add(api("model empty", "POST", "api/jobs", "{\"model\": \"\", \"seeds\": {\"noise\": 5}}", 400, "must be a non-empty string"));
        p.add(api("model outside the roots", "POST", "api/jobs", "{\"model\": \"/etc\", \"seeds\": {\"noise\": 5}}", 403,
                "outside the configured model roots"));
        p.add(api("model climbing out", "POST", "api/jobs", "{\"model\": \"" + MODELS + "/../../../../etc\", \"seeds\": {\"noise\": 5}}",
                403, "outside the configured model roots"));
        p.add(api("model missing under a root", "POST", "api/jobs", "{\"model\": \"" + MODELS.resolve("nope") + "\", \"seeds\": "
                + "{\"noise\": 5}}", 400, "does not exist"));
        p.add(api("model with NUL", "POST", "api/jobs", "{\"model\": \"a\\u0000b\", \"seeds\": {\"noise\": 5}}", 400, "error"));
        p.add(api("unregistered model name", "POST", "api/jobs", "{\"model\": \"no-such-model\", \"seeds\": {\"noise\": 5}}", 400,
                "no-such-model"));
        p.add(api("model folder of a corrupt model", "POST", "api/jobs", "{\"model\": \"" + bad.resolve("model-invalid-json")
                + "\", \"seeds\": {\"noise\": 5}}", 400, "is not valid JSON"));
        p.add(api("no seeds", "POST", "api/jobs", "{\"model\": \"" + m + "\"}", 400, "\\\"seeds\\\" must be an object"));
        p.add(api("seeds a string", "POST", "api/jobs", job + "\"lots\"}", 400, "\\\"seeds\\\" must be an object"));
        p.add(api("seeds empty", "POST", "api/jobs", job + "{}}", 400, "needs exactly one of noise, latents, inputs, source"));
        for (String[] c : new String[][] {{"-1", "noise"}, {"0", "noise"}, {"\"abc\"", "noise"}, {"10.5", "noise"}, {"true", "noise"},
                {"1e300", "noise"}, {"null", "noise"}}) {
            p.add(api("noise " + c[0], "POST", "api/jobs", job + "{\"noise\": " + c[0] + "}}", 400, c[1]));
        }
        p.add(api("noise sigma negative", "POST", "api/jobs", job + "{\"noise\": 5, \"sigma\": -1}}", 400, "sigma"));
        p.add(api("parts too large for the heap", "POST", "api/jobs", "{\"model\": \"" + bad.resolve("model-wide-latent")
                + "\", \"seeds\": {\"noise\": 500000}}", 400, "run in parts of about 104,096 seeds"));
        if (carelessSeedsRefused()) {
            p.add(api("per-seed files larger than half the free disk", "POST", "api/jobs", job + "{\"noise\": " + Integer.MAX_VALUE
                    + "}}", 400, "a run may use at most half of it"));
        }
        p.add(api("latents outside the roots", "POST", "api/jobs", job + "{\"latents\": \"/etc/passwd\"}}", 403,
                "outside the configured model roots"));
        p.add(api("inputs outside the roots", "POST", "api/jobs", job + "{\"inputs\": \"/etc/passwd\"}}", 403,
                "outside the configured model roots"));
        p.add(api("latents missing", "POST", "api/jobs", job + "{\"latents\": \"" + bad.resolve("none.npy") + "\"}}", 400,
                "does not exist"));
        p.add(api("latents of the wrong shape", "POST", "api/jobs", job + "{\"latents\": \"" + bad.resolve("narrow.npy") + "\"}}", 400,
                "must be [n, 4]"));
        p.add(api("latents with NaN", "POST", "api/jobs", job + "{\"latents\": \"" + bad.resolve("nan.npy") + "\"}}", 400, "NaN"));
        p.add(api("unknown seed source", "POST", "api/jobs", job + "{\"source\": \"nope\"}}", 400, "no seeds with id 'nope'"));
        p.add(api("seed source params not an object", "POST", "api/jobs", job + "{\"source\": \"grid\", \"params\": 3}}", 400,
                "seeds.params"));
        p.add(api("grid of 0 points", "POST", "api/jobs", job + "{\"source\": \"grid\", \"params\": {\"nx\": 0}}}", 400, "out of range"));
        p.add(api("unknown strategy", "POST", "api/jobs", job + "{\"noise\": 5}, \"strategy\": \"nope\"}", 400,
                "no strategy with id 'nope'"));
        p.add(api("strategy a number", "POST", "api/jobs", job + "{\"noise\": 5}, \"strategy\": 5}", 400, "strategy"));
        p.add(api("strategy param out of range", "POST", "api/jobs", job + "{\"noise\": 5}, \"strategyParams\": {\"maxSteps\": 0}}",
                400, "out of range"));
        p.add(api("strategy params a list", "POST", "api/jobs", job + "{\"noise\": 5}, \"strategyParams\": [1]}", 400,
                "must be an object"));
        p.add(api("strategy param an object", "POST", "api/jobs", job + "{\"noise\": 5}, \"strategyParams\": {\"tolerance\": {}}}", 400,
                "must be a number, string or boolean"));
        p.add(api("unknown clusterer", "POST", "api/jobs", job + "{\"noise\": 5}, \"clusterer\": \"nope\"}", 400,
                "no clusterer with id 'nope'"));
        p.add(api("unknown metric", "POST", "api/jobs", job + "{\"noise\": 5}, \"metrics\": [\"nope\"]}", 400, "no metric with id 'nope'"));
        p.add(api("metrics a string", "POST", "api/jobs", job + "{\"noise\": 5}, \"metrics\": \"x\"}", 400, "metrics"));
        p.add(api("unknown exporter", "POST", "api/jobs", job + "{\"noise\": 5}, \"exporters\": [\"nope\"]}", 400,
                "no exporter with id 'nope'"));
        p.add(api("unknown training set", "POST", "api/jobs", job + "{\"noise\": 5}, \"training\": \"nope:train\"}", 400,
                "no dataset with id 'nope'"));
        p.add(api("unknown field", "POST", "api/jobs", job + "{\"noise\": 5}, \"bogus\": 1}", 400, "unknown field 'bogus'"));
        p.add(api("a body of 3 MB", "POST", "api/jobs", "{\"model\": \"" + "x".repeat(3 << 20) + "\"}", 413, "error"));
        p.add(api("unknown job", "GET", "api/jobs/job-nope", null, 404, "no job 'job-nope'"));
        p.add(api("cancel an unknown job", "POST", "api/jobs/job-nope/cancel", null, 404, "no job 'job-nope'"));
        p.add(api("rerun an unknown job", "POST", "api/jobs/job-nope/rerun", null, 404, "no job 'job-nope'"));
        p.add(api("files of an unknown job", "GET", "api/jobs/job-nope/files", null, 404, "no job 'job-nope'"));
        p.add(api("unknown job action", "GET", "api/jobs/job-nope/explode", null, 404, "error"));
        p.add(api("compare nothing", "GET", "api/jobs/compare", null, 400, "compare needs ?ids="));
        p.add(api("compare unknown jobs", "GET", "api/jobs/compare?ids=job-a,job-b", null, 404, "no job"));
        p.add(api("register a model without path", "POST", "api/models", "{}", 400, "\\\"path\\\" is required"));
        p.add(api("register a model outside the roots", "POST", "api/models", "{\"path\": \"/etc\"}", 403,
                "outside the configured model roots"));
        p.add(api("register a model with a bad name", "POST", "api/models", "{\"path\": \"" + m + "\", \"name\": \"my model!\"}", 400,
                "may only use letters"));
        p.add(api("register a missing model", "POST", "api/models", "{\"path\": \"" + MODELS.resolve("nope") + "\"}", 400,
                "does not exist"));
        p.add(api("register a corrupt model", "POST", "api/models", "{\"path\": \"" + bad.resolve("model-no-json") + "\"}", 400,
                "has no model.json"));
        return p;
    }

    @TestFactory
    Stream<DynamicTest> everyBadCommandLineFailsClearlyAndTouchesNothing() {
        return cliProbes().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
            LabFixture.Result r;
            Map<String, String> after;
            boolean wrote;
            List<String> staging;
            try {
                r = lab.runAny(p.command(), p.args().toArray(String[]::new));
            } finally { // a failing probe must not fail the ones after it: put the user's files back, remove what it wrote
                after = digest(user);
                wrote = Files.exists(bad.resolve("out-never-written"));
                staging = stagingLeft();
                resetUserFiles();
                deleteTree(bad.resolve("out-never-written"));
                for (String name : staging) {
                    deleteTree(bad.resolve(name));
                }
            }
            String all = r.out() + r.err();
            assertEquals(p.code(), r.code(), p.name() + ": exit status; out: " + r.out() + "\nerr: " + r.err());
            assertTrue(r.err().contains(p.words()), p.name() + ": the message should contain '" + p.words() + "': " + r.err());
            assertFalse(all.contains("\tat ") || STACK.matcher(all).find(), p.name() + ": no stack trace: " + all);
            assertFalse(lastErrorLine(r.err()).matches("\\S+: /\\S+"), p.name() + ": the message says more than a path: " + r.err());
            assertEquals(before, after, p.name() + ": the user's files are unchanged");
            assertFalse(wrote, p.name() + ": a refused command wrote nothing");
            assertEquals(List.of(), staging, p.name() + ": a refused or failed job removes its staging folder (and per-seed files)");
        }));
    }

    /**
     * Whether Integer.MAX_VALUE seeds of dimension 4 (about 70 bytes each on disk, 150 GB) are more than half the free
     * space here, so the engine refuses them: on a larger disk the probe would run them, and is left out.
     */
    static boolean carelessSeedsRefused() {
        try {
            return Files.getFileStore(bad).getUsableSpace() / 2 < 70L * Integer.MAX_VALUE;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Staging folders of the probes' output ({@code .out-never-written.latentlab-staging-*}) still in {@code bad}. */
    private static List<String> stagingLeft() throws java.io.IOException {
        try (Stream<Path> s = Files.list(bad)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.startsWith(".out-never-written")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyBadRequestGetsAClearJson4xxAndStoresNothing() throws Exception {
        int jobsBefore = api.get("api/jobs").json().size();
        return Stream.concat(apiProbes().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.base + p.path()));
            b.method(p.method(), p.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(p.body()));
            if (p.body() != null) {
                b.header("Content-Type", "application/json");
            }
            ServerClient.Response r = api.send(b, true);
            assertEquals(p.status(), r.status(), p.name() + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                    p.name() + ": a JSON answer, not " + r.headers().firstValue("Content-Type") + ": " + r.body());
            assertTrue(r.json().hasNonNull("error"), p.name() + ": {\"error\": ...}: " + r.body());
            assertTrue(r.body().contains(p.words()), p.name() + ": the message should contain '" + p.words() + "': " + r.body());
            assertFalse(r.body().contains("\\tat ") || STACK.matcher(r.body()).find(), p.name() + ": no stack trace: " + r.body());
            assertFalse(r.body().contains(System.getProperty("user.dir") + "/no-such-model"), p.name() + ": no working directory: "
                    + r.body());
        })), Stream.of(DynamicTest.dynamicTest("no rejected request left a job record", () -> {
            assertEquals(jobsBefore, api.get("api/jobs").json().size(), "rejected requests are not stored");
            assertEquals(before, digest(user));
        })));
    }

    /** "at org.foo.Bar.method(Bar.java:12)" or "java.lang.NullPointerException" at the start of a line. */
    static final Pattern STACK = Pattern.compile("(?m)(\\bat [a-z]+\\.[\\w.$]+\\([\\w.]+:\\d+\\))|(^\\s*(java|javax|org|com)\\.[\\w.]+(Exception|Error)\\b)");

    private static String lastErrorLine(String err) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(0).trim();
    }

    private static CliProbe cli(String name, String command, List<String> args, int code, String words) {
        return new CliProbe(name, command, args, code, words);
    }

    private static ApiProbe api(String name, String method, String path, String body, int status, String words) {
        return new ApiProbe(name, method, path, body, status, words);
    }

    // ---- bad inputs

    /** {name, model.json (null: none), expected words}. */
    static String[][] badModels() {
        String files = ", \"encoder\": \"encoder.onnx\", \"decoder\": \"decoder.onnx\"";
        return new String[][] {
            {"no-json", null, "has no model.json"},
            {"invalid-json", "{ \"name\": ", "is not valid JSON"},
            {"json-array", "[1, 2]", "must hold a JSON object"},
            {"no-input-shape", "{\"latentDim\": 4" + files + "}", "\"inputShape\" must be a non-empty array"},
            {"empty-input-shape", "{\"inputShape\": [], \"latentDim\": 4" + files + "}", "\"inputShape\" must be a non-empty array"},
            {"zero-input", "{\"inputShape\": [0], \"latentDim\": 4" + files + "}", "is not a positive integer"},
            {"negative-input", "{\"inputShape\": [-16], \"latentDim\": 4" + files + "}", "is not a positive integer"},
            {"text-input", "{\"inputShape\": [\"16\"], \"latentDim\": 4" + files + "}", "is not a positive integer"},
            {"fraction-input", "{\"inputShape\": [16.5], \"latentDim\": 4" + files + "}", "is not a positive integer"},
            {"huge-input", "{\"inputShape\": [2000000000], \"latentDim\": 4" + files + "}", "one input of 2,000,000,000 values"},
            {"overflowing-input", "{\"inputShape\": [100000, 100000], \"latentDim\": 4" + files + "}", "do not fit in one array"},
            {"zero-latent", "{\"inputShape\": [16], \"latentDim\": 0" + files + "}", "\"latentDim\" must be a positive integer"},
            {"text-latent", "{\"inputShape\": [16], \"latentDim\": \"4\"" + files + "}", "\"latentDim\" must be a positive integer"},
            {"wrong-latent", "{\"inputShape\": [16], \"latentDim\": 3" + files + "}", "latentDim 3"},
            {"wide-latent", "{\"inputShape\": [16], \"latentDim\": 20000" + files + "}", "latentDim 20000"},
            {"wider-latent", "{\"inputShape\": [16], \"latentDim\": 30000" + files + "}", "latentDim 30000"},
            {"wrong-input", "{\"inputShape\": [15], \"latentDim\": 4" + files + "}", "inputShape"},
            {"no-encoder", "{\"inputShape\": [16], \"latentDim\": 4, \"decoder\": \"decoder.onnx\"}", "\"encoder\" is missing"},
            {"missing-encoder", "{\"inputShape\": [16], \"latentDim\": 4, \"encoder\": \"gone.onnx\", \"decoder\": \"decoder.onnx\"}",
                "gone.onnx, which does not exist"},
            {"escaping-encoder", "{\"inputShape\": [16], \"latentDim\": 4, \"encoder\": \"../../../etc/passwd\", "
                + "\"decoder\": \"decoder.onnx\"}", "lies outside the model folder"},
            {"corrupt-encoder", "{\"inputShape\": [16], \"latentDim\": 4" + files + "}", "encoder.onnx could not be loaded"},
            {"unknown-backend", "{\"inputShape\": [16], \"latentDim\": 4, \"backend\": \"tpu\"" + files + "}", "tpu"},
            {"unknown-extension", "{\"inputShape\": [16], \"latentDim\": 4, \"encoder\": \"encoder.bin\", \"decoder\": \"decoder.bin\"}",
                "encoder.bin"},
        };
    }

    /** {file name without .npy, expected words}. */
    static String[][] badSeedFiles() {
        return new String[][] {
            {"narrow", "must be [n, 4]"},
            {"nan", "row 1, column 1 is NaN"},
            {"inf", "infinite"},
            {"empty", "holds no points"},
            {"random-bytes", "random-bytes.npy"},
            {"truncated", "truncated.npy"},
            {"negative-dims", "negative-dims.npy"},
            {"strings", "dtype '|S4' is not supported"},
            {"fortran", "Fortran-order"},
            {"three-d", "must be [n, 4]"},
            {"empty-file", "empty-file.npy"},
        };
    }

    static void makeBadInputs() throws Exception {
        for (String[] c : badModels()) {
            Path dir = Files.createDirectories(bad.resolve("model-" + c[0]));
            Files.copy(MEM.resolve("encoder.onnx"), dir.resolve("encoder.onnx"));
            Files.copy(MEM.resolve("decoder.onnx"), dir.resolve("decoder.onnx"));
            Files.copy(MEM.resolve("encoder.onnx"), dir.resolve("encoder.bin"));
            Files.copy(MEM.resolve("decoder.onnx"), dir.resolve("decoder.bin"));
            if (c[1] != null) {
                Files.writeString(dir.resolve("model.json"), c[1].replace("{\"inputShape\"", "{\"name\": \"m\", \"inputShape\""));
            }
        }
        Files.write(bad.resolve("model-corrupt-encoder/encoder.onnx"), new byte[] {1, 2, 3, 4, 5});
        Npy.writeFloats(bad.resolve("narrow.npy"), new int[] {2, 3}, new float[6]);
        Npy.writeFloats(bad.resolve("nan.npy"), new int[] {2, 4}, new float[] {0, 0, 0, 0, 0, Float.NaN, 0, 0});
        Npy.writeFloats(bad.resolve("inf.npy"), new int[] {1, 4}, new float[] {0, Float.POSITIVE_INFINITY, 0, 0});
        Npy.writeFloats(bad.resolve("empty.npy"), new int[] {0, 4}, new float[0]);
        Npy.writeFloats(bad.resolve("three-d.npy"), new int[] {2, 2, 2}, new float[8]);
        Npy.writeFloats(bad.resolve("nan-inputs.npy"), new int[] {1, 16}, nanAt(16, 3));
        // 100,100 inputs (above inMemorySeeds: two parts of ~50,000), one NaN in the second part
        Npy.writeFloats(bad.resolve("nan-late-inputs.npy"), new int[] {NAN_LATE_ROWS, 16}, nanAt(NAN_LATE_ROWS * 16, NAN_LATE_ROW * 16 + 3));
        Npy.writeFloats(bad.resolve("flat-plane.npy"), new int[] {3, 4}, new float[12]);
        Npy.writeFloats(bad.resolve("nan-plane.npy"), new int[] {3, 4}, nanAt(12, 5));
        byte[] random = new byte[4096];
        new java.util.Random(7).nextBytes(random);
        Files.write(bad.resolve("random-bytes.npy"), random);
        Npy.writeFloats(bad.resolve("whole.npy"), new int[] {100, 4}, new float[400]);
        byte[] whole = Files.readAllBytes(bad.resolve("whole.npy"));
        Files.write(bad.resolve("truncated.npy"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.write(bad.resolve("negative-dims.npy"), npyHeader("<f4", "(-5, 4)"));
        byte[] strings = npyHeader("|S4", "(1, 4)");
        Files.write(bad.resolve("strings.npy"), java.util.Arrays.copyOf(strings, strings.length + 16));
        byte[] fortran = npyHeader("<f4", "(2, 4)").clone();
        String f = new String(fortran, java.nio.charset.StandardCharsets.ISO_8859_1).replace("'fortran_order': False", "'fortran_order': True ");
        byte[] fo = f.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(bad.resolve("fortran.npy"), java.util.Arrays.copyOf(fo, fo.length + 32));
        Files.write(bad.resolve("empty-file.npy"), new byte[0]);
        // an output of another kind: a field result
        LabFixture.Result field = lab.runAny("field", "--model", MEM.toString(), "--points", MEM.resolve("seeds.npy").toString(),
                "--out", bad.resolve("a-field-output").toString());
        assertEquals(0, field.code(), field.err());
        // an earlier analysis output, whose endpoints.npy a careless rerun takes as its seeds
        LabFixture.Result analysis = lab.runAny("analyze", "--model", MEM.toString(), "--noise", "5", "--exporters", "json,npy",
                "--out", bad.resolve("an-analysis-output").toString(), "--quiet");
        assertEquals(0, analysis.code(), analysis.err());
    }

    static final int NAN_LATE_ROWS = 100_100;
    static final int NAN_LATE_ROW = 100_000;

    private static float[] nanAt(int n, int i) {
        float[] x = new float[n];
        x[i] = Float.NaN;
        return x;
    }

    /** A version 1.0 .npy header with the given dtype and shape, padded to 64 bytes, no data. */
    static byte[] npyHeader(String dtype, String shape) {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] out = new byte[10 + header.length()];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(), 0, out, 1, 5);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (header.length() & 0xff);
        out[9] = (byte) (header.length() >> 8);
        System.arraycopy(header.getBytes(), 0, out, 10, header.length());
        return out;
    }

    /** The user's folder as it was: a thesis in keep/, a regular file, a table in results/. */
    static void resetUserFiles() throws Exception {
        deleteTree(user);
        Files.createDirectories(user.resolve("keep"));
        Files.writeString(user.resolve("keep/thesis.tex"), "\\documentclass{article} the only copy");
        Files.writeString(user.resolve("notes.txt"), "a regular file that probes use as an --out or a parent");
        Files.createDirectories(user.resolve("results"));
        Files.writeString(user.resolve("results/table.csv"), "a,b\n1,2\n");
    }

    static void deleteTree(Path root) throws java.io.IOException {
        if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static Map<String, String> digest(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                out.put(rel, Files.isDirectory(p) ? "dir"
                        : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
