using Npgsql;

[assembly: AssemblyFixture(typeof(OdooLatencyProxy.Tests.Collector.PostgresFixture))]

namespace OdooLatencyProxy.Tests.Collector;

/// <summary>
/// A database with Odoo's tables and the columns the collector uses (plus a few it must never read),
/// shaped like Odoo 16, 17 or 18, and the read-only grants from docs/collector.md.
/// </summary>
public sealed class OdooDatabase
{
    private OdooDatabase(PostgresServer server, string name, int version)
    {
        Server = server;
        Name = name;
        Version = version;
    }

    public PostgresServer Server { get; }

    public string Name { get; }

    public int Version { get; }

    /// <summary>Connection string of the collector's role.</summary>
    public string CollectorConnectionString => Server.CollectorConnectionString(Name);

    /// <summary>Creates the database; <paramref name="queueJob"/> false leaves the queue_job module out.</summary>
    public static async Task<OdooDatabase> CreateAsync(PostgresServer server, int version, bool queueJob = true, bool failedSubtype = true)
    {
        var name = server.NextDatabaseName();
        await using (var conn = new NpgsqlConnection(server.AdminConnectionString("postgres")))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var db = new OdooDatabase(server, name, version);
        await db.ExecuteAsync(Schema(version, queueJob, failedSubtype));
        await db.ExecuteAsync(Grants(name, version, queueJob));
        return db;
    }

    /// <summary>Runs SQL as the superuser (Odoo's side of the database).</summary>
    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(Server.AdminConnectionString(Name));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Reads one value as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(Server.AdminConnectionString(Name));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The database's current UTC time, the clock the collector uses.</summary>
    public Task<DateTime> NowAsync() => ScalarAsync<DateTime>("SELECT now() AT TIME ZONE 'UTC'");

    private static string Schema(int version, bool queueJob, bool failedSubtype)
    {
        var cronName = version >= 17 ? "jsonb" : "varchar";
        var cronColumns = version >= 18 ? "failure_count integer DEFAULT 0, first_failure_date timestamp" : "numbercall integer, doall boolean";
        var trackingField = version >= 17 ? "field_id" : "field";
        var modules = "('base', 'installed', '" + version + ".0.1.3'), ('mail', 'installed', '" + version + ".0.1.15'), ('sale', 'installed', '" + version + ".0.1.2'), ('payment', 'installed', '" + version + ".0.2.0')"
            + (queueJob ? ", ('queue_job', 'installed', '" + version + ".0.1.0.5')" : "")
            + ", ('website', 'uninstalled', NULL)";
        var queueJobTable = queueJob
            ? """
              CREATE TABLE queue_job (id serial PRIMARY KEY, uuid varchar NOT NULL UNIQUE, user_id integer, company_id integer,
                  name varchar, model_name varchar, method_name varchar, records jsonb, args text, kwargs text, func_string varchar,
                  state varchar NOT NULL, priority integer, exc_name varchar, exc_message varchar, exc_info text, result text,
                  date_created timestamp, date_started timestamp, date_enqueued timestamp, date_done timestamp, date_cancelled timestamp,
                  exec_time double precision, eta timestamp, retry integer DEFAULT 0, max_retries integer, channel varchar,
                  identity_key varchar, worker_pid integer DEFAULT 0);
              """
            : "";
        var subtype = queueJob && failedSubtype
            ? """
              INSERT INTO mail_message_subtype (id, name) VALUES (21, '{"en_US": "Job failed"}');
              INSERT INTO ir_model_data (module, name, model, res_id) VALUES ('queue_job', 'mt_job_failed', 'mail.message.subtype', 21);
              """
            : "";
        return $"""
            CREATE EXTENSION pg_stat_statements;
            -- Test helper, not Odoo's: Odoo stores UTC in timestamp without time zone.
            CREATE FUNCTION utcnow() RETURNS timestamp LANGUAGE sql STABLE AS 'SELECT now() AT TIME ZONE ''UTC''';
            CREATE TABLE ir_module_module (id serial PRIMARY KEY, name varchar NOT NULL, state varchar, latest_version varchar, author varchar);
            INSERT INTO ir_module_module (name, state, latest_version) VALUES {modules};
            CREATE TABLE ir_model_data (id serial PRIMARY KEY, module varchar NOT NULL, name varchar NOT NULL, model varchar NOT NULL, res_id integer, noupdate boolean);
            CREATE TABLE ir_model_fields (id serial PRIMARY KEY, model varchar NOT NULL, name varchar NOT NULL, ttype varchar);
            INSERT INTO ir_model_fields (id, model, name, ttype) VALUES (900, 'sale.order', 'state', 'selection'), (901, 'sale.order', 'note', 'html');
            CREATE TABLE mail_message_subtype (id serial PRIMARY KEY, name jsonb);
            CREATE TABLE mail_message (id serial PRIMARY KEY, model varchar, res_id integer, subtype_id integer, message_type varchar,
                body text, author_id integer, date timestamp);
            CREATE TABLE mail_tracking_value (id serial PRIMARY KEY, {trackingField} integer, mail_message_id integer,
                old_value_char varchar, new_value_char varchar, create_date timestamp);
            CREATE TABLE ir_cron (id serial PRIMARY KEY, cron_name {cronName}, ir_actions_server_id integer, active boolean,
                interval_number integer, interval_type varchar, nextcall timestamp, lastcall timestamp, priority integer, user_id integer,
                {cronColumns});
            CREATE TABLE sale_order (id serial PRIMARY KEY, name varchar, partner_id integer, amount_total numeric, state varchar,
                create_date timestamp, date_order timestamp);
            CREATE TABLE payment_provider (id serial PRIMARY KEY, code varchar, name jsonb, state varchar, stripe_secret_key varchar);
            CREATE TABLE payment_transaction (id serial PRIMARY KEY, reference varchar, provider_id integer, state varchar,
                last_state_change timestamp, amount numeric, provider_reference varchar);
            {queueJobTable}
            {subtype}
            """;
    }

    // The same statements as docs/collector.md, column-level where a table holds anything sensitive.
    private static string Grants(string database, int version, bool queueJob)
    {
        var trackingField = version >= 17 ? "field_id" : "field";
        var cronColumns = version >= 18 ? ", failure_count, first_failure_date" : "";
        return $"""
            GRANT CONNECT ON DATABASE {database} TO odoo_collector;
            GRANT USAGE ON SCHEMA public TO odoo_collector;
            GRANT SELECT (name, state, latest_version) ON ir_module_module TO odoo_collector;
            GRANT SELECT (module, name, model, res_id) ON ir_model_data TO odoo_collector;
            GRANT SELECT (id, model, name) ON ir_model_fields TO odoo_collector;
            GRANT SELECT (id, model, res_id, subtype_id, date) ON mail_message TO odoo_collector;
            GRANT SELECT (id, {trackingField}, mail_message_id, create_date) ON mail_tracking_value TO odoo_collector;
            GRANT SELECT (id, cron_name, active, interval_number, interval_type, nextcall, lastcall{cronColumns}) ON ir_cron TO odoo_collector;
            GRANT SELECT (id, state, create_date, date_order) ON sale_order TO odoo_collector;
            GRANT SELECT (id, code) ON payment_provider TO odoo_collector;
            GRANT SELECT (id, state, provider_id, last_state_change) ON payment_transaction TO odoo_collector;
            """
            + (queueJob
                ? "GRANT SELECT (id, uuid, state, channel, date_created, date_enqueued, date_started, date_done, eta, exec_time, retry) ON queue_job TO odoo_collector;"
                : "");
    }
}
