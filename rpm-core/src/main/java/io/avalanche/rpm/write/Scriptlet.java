package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Tag;

/**
 * One install scriptlet (%pre, %post, %preun, %postun): its interpreter (an absolute path, no arguments) and body.
 * rpm passes the number of instances left after the step as $1 (1 on install, 2 on upgrade, 0 on erase).
 */
public record Scriptlet(Phase phase, String interpreter, String body) {
    /** When the scriptlet runs, its header tags and the sense bit of its Requires(phase) (lib/rpmds.h). */
    public enum Phase {
        PRE("pre", Tag.PREIN, Tag.PREINPROG, 1 << 9),
        POST("post", Tag.POSTIN, Tag.POSTINPROG, 1 << 10),
        PREUN("preun", Tag.PREUN, Tag.PREUNPROG, 1 << 11),
        POSTUN("postun", Tag.POSTUN, Tag.POSTUNPROG, 1 << 12);

        private final String word;
        private final Tag body;
        private final Tag program;
        private final int sense;

        Phase(String word, Tag body, Tag program, int sense) {
            this.word = word;
            this.body = body;
            this.program = program;
            this.sense = sense;
        }

        /** The spec file's word: pre, post, preun, postun. */
        public String word() {
            return word;
        }

        public Tag bodyTag() {
            return body;
        }

        public Tag programTag() {
            return program;
        }

        /** RPMSENSE_SCRIPT_PRE etc.: the flag of a Requires(phase) dependency. */
        public int sense() {
            return sense;
        }
    }

    /** The interpreter rpmbuild uses when a spec names none. */
    public static final String SHELL = "/bin/sh";

    public Scriptlet {
        if (phase == null) {
            throw new SpecException("scriptlet without a phase: use pre, post, preun or postun");
        }
        if (interpreter == null || !interpreter.matches("/[A-Za-z0-9._+/-]+")) {
            throw new SpecException("%" + phase.word() + " scriptlet: interpreter '" + interpreter + "' must be an "
                    + "absolute path without arguments, e.g. /bin/sh");
        }
        if (body == null || body.isBlank()) {
            throw new SpecException("%" + phase.word() + " scriptlet is empty: leave it out instead");
        }
        if (body.indexOf('\0') >= 0) {
            throw new SpecException("%" + phase.word() + " scriptlet contains a NUL byte");
        }
    }

    /** A /bin/sh scriptlet. */
    public static Scriptlet shell(Phase phase, String body) {
        return new Scriptlet(phase, SHELL, body);
    }

    /** The Requires(interp,phase) rpmbuild adds for the interpreter (RPMSENSE_INTERP | the phase's sense). */
    public Dependency interpreterRequirement() {
        return new Dependency(interpreter, Dependency.INTERP | phase.sense(), "");
    }
}
