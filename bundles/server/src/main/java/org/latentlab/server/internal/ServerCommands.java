package org.latentlab.server.internal;

import org.latentlab.server.internal.rest.JobView;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands for the same operations as the REST API: lab:jobs, lab:job, lab:submit, lab:cancel, lab:rerun. */
@Component(service = ServerCommands.class, property = {"osgi.command.scope=lab", "osgi.command.function=jobs",
        "osgi.command.function=job", "osgi.command.function=submit", "osgi.command.function=cancel",
        "osgi.command.function=rerun"})
public class ServerCommands {

    @Reference
    JobService jobs;

    /** lab:jobs — recent jobs, one line each. */
    public String jobs() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (JobView j : jobs.jobs(50)) {
            String message = j.message() != null ? j.message() : j.progress() != null && j.progress().message() != null
                    ? j.progress().message() : "";
            sb.append(String.format("%-28s %-12s %s%n", j.id(), j.status(), message));
        }
        return sb.length() == 0 ? "no jobs" : sb.toString();
    }

    /** lab:job ID — one job as JSON. */
    public String job(String id) throws Exception {
        return Json.ANSWER.writeValueAsString(jobs.job(id));
    }

    /** lab:submit '{"model": ..., "seeds": {"noise": 100}}' — the same JSON as POST /api/jobs. */
    public String submit(String json) throws Exception {
        return jobs.submit(Json.MAPPER.readTree(json)).id();
    }

    /** lab:cancel ID. */
    public String cancel(String id) throws Exception {
        return jobs.cancel(id).status();
    }

    /** lab:rerun ID — submits an earlier job's request again; returns the new id. */
    public String rerun(String id) throws Exception {
        return jobs.rerun(id).id();
    }
}
