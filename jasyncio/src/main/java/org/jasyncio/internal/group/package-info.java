/**
 * The loop group's machinery: {@code GroupLoop} (one loop, its thread, its drain at shutdown),
 * {@code GroupServer} (one server over every loop) and {@code Joins} (waiting from a task or a
 * plain thread). Not exported.
 */
package org.jasyncio.internal.group;
