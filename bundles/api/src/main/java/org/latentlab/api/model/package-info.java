/**
 * Model backends: loading a model folder (model.json with encoder and decoder files) and batched encode / decode.
 */
@Export
@Version("1.3.0")
package org.latentlab.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
