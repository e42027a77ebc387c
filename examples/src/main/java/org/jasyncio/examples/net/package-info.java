/**
 * Network examples: {@code echo-server} (streams, protocol, buffered protocol, TLS),
 * {@code echo-client}, and {@code tcp-chat}, a broadcast chat between streams. Run them with
 * {@code ./run-example.sh NAME}; each class documents its arguments.
 */
package org.jasyncio.examples.net;
