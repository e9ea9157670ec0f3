package org.latentlab.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands for the same operations as the REST API: lab:jobs, lab:job, lab:submit, lab:cancel, lab:rerun. */
@Component(service = ServerCommands.class, property = {"osgi.command.scope=lab", "osgi.command.function=jobs",
        "osgi.command.function=job", "osgi.command.function=submit", "osgi.command.function=cancel",
        "osgi.command.function=rerun"})
public class ServerCommands {

    @Reference
    LabServer lab;

    /** lab:jobs — recent jobs, one line each. */
    public String jobs() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (JsonNode j : lab.jobs(50)) {
            sb.append(String.format("%-28s %-12s %s%n", j.path("id").asText(), j.path("status").asText(),
                    j.path("message").asText(j.path("progress").path("message").asText(""))));
        }
        return sb.length() == 0 ? "no jobs" : sb.toString();
    }

    /** lab:job ID — one job as JSON. */
    public String job(String id) throws Exception {
        return LabServer.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(lab.job(id));
    }

    /** lab:submit '{"model": ..., "seeds": {"noise": 100}}' — the same JSON as POST /api/jobs. */
    public String submit(String json) throws Exception {
        return lab.submit(LabServer.JSON.readTree(json)).path("id").asText();
    }

    /** lab:cancel ID. */
    public String cancel(String id) throws Exception {
        return lab.cancel(id).path("status").asText();
    }

    /** lab:rerun ID — submits an earlier job's request again; returns the new id. */
    public String rerun(String id) throws Exception {
        return lab.rerun(id).path("id").asText();
    }
}
