package org.latentlab.api.engine;

import java.nio.file.Path;

/** What a job was asked to do: an analysis or an experiment. Every job writes into one out folder. */
public interface JobRequest {

    /** The folder the job's files are published to. */
    Path outDir();
}
