package io.avalanche.rpm.sign;

import java.nio.file.Path;

/** Outcome of signing one package: where, whether it was rewritten in place, and the SHA-256 of the header. */
public record SignResult(Path file, boolean inPlace, String headerSha256, long fileSize) {
}
