package io.heroncp.packages;

import java.nio.file.Path;

/**
 * One file in the {@link PackageStore}: its content digest, the name it is served under, its size
 * and where it lies on disk ({@code <directory>/<sha256>/<fileName>}). The file never changes once
 * stored.
 *
 * @param sha256 lowercase hex SHA-256 of the file's bytes
 * @param fileName the plain file name (no directories)
 * @param size the file's size in bytes
 * @param path the absolute path of the stored file
 */
public record StoredPackage(String sha256, String fileName, long size, Path path) {}
