package org.latentlab.api;

/**
 * An error a researcher can act on: the message names the file, value or id at fault and what is
 * wrong with it (a corrupt model, a wrong shape, NaN seeds, an unknown id). Front ends show the
 * message, not the stack trace.
 */
public class LatentLabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LatentLabException(String message) {
        super(message);
    }

    public LatentLabException(String message, Throwable cause) {
        super(message, cause);
    }
}
