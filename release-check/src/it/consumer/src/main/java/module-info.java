/** A user's application on the module path: it requires what it uses, and needs no --add-modules. */
module consumer {
    requires io.github.iskahomes.analytics.jdbc;
    requires io.github.iskahomes.analytics.batcher;
    requires org.postgresql.jdbc; // this program makes its own DataSource (PGSimpleDataSource,
    requires java.naming;         // which is a javax.naming.Referenceable)
}
