package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Pins the public surface (Trio's test_exports, STYLE.md habit 2): module-info exports only API
 * packages, never internals, and every public class is final, sealed, abstract-for-extension,
 * an interface, a record or an enum.
 */
class ApiSurfaceTest {

    private static Path classesDir() throws URISyntaxException {
        return Path.of(Asyncio.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor() throws Exception {
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void moduleExportsOnlyApiPackages() throws Exception {
        ModuleDescriptor d = descriptor();
        assertEquals("org.jasyncio", d.name());
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : d.exports()) {
            assertFalse(e.isQualified(), "no qualified exports: " + e);
            exported.add(e.source());
        }
        for (String p : exported) {
            assertFalse(p.contains(".internal"), "internal package exported: " + p);
        }
        assertTrue(exported.contains("org.jasyncio"));
        assertTrue(exported.contains("org.jasyncio.locks"));
        Set<String> all = new TreeSet<>(d.packages());
        for (String p : all) {
            if (!p.contains(".internal")) {
                assertTrue(exported.contains(p), "API package not exported: " + p);
            }
        }
    }

    @Test
    void publicClassesAreFinalOrSealed() throws Exception {
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : descriptor().exports()) {
            exported.add(e.source());
        }
        List<String> offenders = new ArrayList<>();
        Path root = classesDir();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String rel = root.relativize(f).toString();
                if (!rel.endsWith(".class") || rel.equals("module-info.class") || rel.endsWith("package-info.class")) {
                    continue;
                }
                String name = rel.substring(0, rel.length() - 6).replace('/', '.');
                String pkg = name.substring(0, name.lastIndexOf('.'));
                if (!exported.contains(pkg)) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, Asyncio.class.getClassLoader());
                if (!Modifier.isPublic(c.getModifiers()) || c.isInterface() || c.isRecord() || c.isEnum()
                        || c.isAnonymousClass() || c.isSynthetic()) {
                    continue;
                }
                if (c.getEnclosingClass() != null && !Modifier.isPublic(c.getEnclosingClass().getModifiers())) {
                    continue;
                }
                boolean ok = Modifier.isFinal(c.getModifiers()) || c.isSealed()
                        || Throwable.class.isAssignableFrom(c) // exception hierarchies stay open, as asyncio's
                        || Modifier.isAbstract(c.getModifiers());
                if (!ok) {
                    offenders.add(name);
                }
            }
        } catch (IOException e) {
            throw e;
        }
        assertEquals(List.of(), offenders, "public classes must be final or sealed");
    }
}
