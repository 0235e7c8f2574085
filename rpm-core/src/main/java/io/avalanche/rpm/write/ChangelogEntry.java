package io.avalanche.rpm.write;

/** One %changelog entry: time (seconds since the epoch), author line and text. */
public record ChangelogEntry(long time, String author, String text) {
}
