package org.latentlab.doctor.internal;

/**
 * One line of {@code latentlab doctor}: a verdict, what was checked, and what was found (with what to
 * do when it is not OK).
 */
record Check(Verdict verdict, String subject, String detail) {

    enum Verdict { OK, WARN, FAIL }

    static Check ok(String subject, String detail) {
        return new Check(Verdict.OK, subject, detail);
    }

    static Check warn(String subject, String detail) {
        return new Check(Verdict.WARN, subject, detail);
    }

    static Check fail(String subject, String detail) {
        return new Check(Verdict.FAIL, subject, detail);
    }

    String line() {
        return String.format("%-4s  %-12s %s", verdict, subject, detail);
    }
}
