/**
 * Readers for model inputs (IDX, CSV, folders of PNG images, and a dispatcher by file kind), the
 * safe way to write results ({@link org.latentlab.io.OutputFolder}, {@link org.latentlab.io.AtomicFile}),
 * the shared check of latent point files ({@link org.latentlab.io.LatentPoints}), readable
 * messages for I/O errors ({@link org.latentlab.io.IoErrors}) and archives of stored entries as TorchScript
 * files are ({@link org.latentlab.io.StoredZip}).
 */
@Export
@Version("1.3.0")
package org.latentlab.io;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
