/** A user's module: jasyncio on the module path. */
module com.example.modular {
    requires org.jasyncio;
}
