package org.latentlab.experiments.dictionary.internal;

/** The five ways a latent code is approximated with s directions, in the order they are reported. */
enum Method {
    ATTRACTORS("attractors", "OMP over the attractors reached from noise (unit-normalised)"),
    RANDOM_BASIS("random-basis", "projection onto the first s vectors of a random orthonormal basis (the paper's baseline)"),
    PCA("pca", "projection onto the s leading principal directions of the training encodings, through their mean"),
    RANDOM_DICTIONARY("random-dictionary", "OMP over as many random Gaussian atoms (unit-normalised) as there are attractors"),
    KMEANS("kmeans", "OMP over as many k-means centroids of the training encodings (unit-normalised) as there are attractors");

    final String id;
    final String description;

    Method(String id, String description) {
        this.id = id;
        this.description = description;
    }
}
