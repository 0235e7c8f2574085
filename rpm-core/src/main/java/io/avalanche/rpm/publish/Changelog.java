package io.avalanche.rpm.publish;

/** One changelog entry of other.xml. */
public record Changelog(String author, long date, String text) {
}
