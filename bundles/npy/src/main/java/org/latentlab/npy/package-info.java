/** NumPy {@code .npy} files: the seed and result format LatentLab shares with Python. */
@Export
@Version("1.1.0")
package org.latentlab.npy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
