/** Readers for model inputs: IDX (MNIST format), CSV, folders of PNG images, and a dispatcher by file kind. */
@Export
@Version("1.0.0")
package org.latentlab.io;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
