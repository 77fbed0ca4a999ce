using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>Registers the database collector; the host calls <see cref="AddOdooCollector"/> once.</summary>
public static class CollectorServiceCollectionExtensions
{
    /// <summary>The collector's <c>application_name</c>, so its own sessions can be told apart in pg_stat_activity.</summary>
    public const string ApplicationName = "odoo-latency-proxy-collector";

    /// <summary>
    /// Binds <c>Collector:*</c> and, when <c>Collector:ConnectionString</c> is set, adds the collector's
    /// metrics, probes and background service. The status API is registered either way.
    /// </summary>
    public static IServiceCollection AddOdooCollector(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(CollectorOptions.SectionName);
        services.AddOptions<CollectorOptions>().BindTo(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CollectorOptions>, CollectorOptionsValidator>());
        services.AddMetrics();
        services.AddSingleton<CollectorStatus>();
        // The host (or a test) may already have registered a TimeProvider; keep theirs.
        services.TryAddSingleton(TimeProvider.System);

        var options = SettingsBinder.Bind<CollectorOptions>(section);
        // Registered with the collector off too: readers then see that nothing is sampled, rather than nothing active.
        services.TryAddSingleton(sp => new ActivityHistory(
            options.ActivityHistory, options.ActivityInterval, options.Enabled, sp.GetServices<IActivitySampleListener>()));
        // Odoo's log is read once, by one tail, whether or not the database is: its access lines need no database.
        if (!string.IsNullOrWhiteSpace(options.LogPath))
        {
            services.AddHostedService(sp => sp.GetRequiredService<OdooLogTail>());
            services.AddSingleton<OdooLogTail>();
        }

        if (options.Enabled) AddSampling(services, options);
        return services;
    }

    // Its own method, never inlined: compiling AddOdooCollector must not load Npgsql when no database is configured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddSampling(IServiceCollection services, CollectorOptions options)
    {
        services.AddSingleton(sp => CreateDataSource(sp.GetRequiredService<IOptions<CollectorOptions>>().Value));
        services.AddSingleton<CollectorMetrics>();
        services.AddSingleton<CollectorStateStore>();
        services.AddSingleton<OdooSchemaCache>();
        services.AddSingleton<CronTracker>();
        services.AddSingleton<ProbeRunner>();
        services.AddSingleton<ICollectorProbe, QueueJobProbe>();
        services.AddSingleton<ICollectorProbe, CronProbe>();
        services.AddSingleton<ICollectorProbe, CronLogProbe>();
        if (!string.IsNullOrWhiteSpace(options.LogPath))
        {
            services.AddSingleton<CronLogEvents>();
            services.AddSingleton<IOdooLogReader>(sp => sp.GetRequiredService<CronLogEvents>());
        }
        services.AddSingleton<ICollectorProbe, SaleOrderProbe>();
        services.AddSingleton<ICollectorProbe, PaymentProbe>();
        services.AddSingleton<ICollectorProbe, PgConnectionsProbe>();
        services.AddSingleton<ICollectorProbe, PgStatementsProbe>();
        services.AddSingleton<ICollectorProbe, PgActivityProbe>();
        // Needs the request path's classifier (the host registers it); hosts without one get no action names.
        if (services.Any(s => s.ServiceType == typeof(Odoo.Classification.RequestClassifier)))
        {
            services.AddSingleton<ICollectorProbe, ServerActionProbe>();
        }
        services.AddHostedService<CollectorService>();
    }

    /// <summary>The collector's connection pool: small, read-only sessions, bounded statements.</summary>
    internal static NpgsqlDataSource CreateDataSource(CollectorOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var cs = builder.ConnectionStringBuilder;
        // The Kubernetes secret pattern: the password never appears in the process's arguments or environment.
        if (options.PasswordFile is { Length: > 0 } passwordFile) cs.Password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
        cs.ApplicationName = ApplicationName;
        cs.Timeout = Math.Max(1, (int)options.ConnectTimeout.TotalSeconds);
        cs.CommandTimeout = Math.Max(1, (int)options.StatementTimeout.TotalSeconds) + 5;
        // The probes run in parallel, but a few connections are enough and never crowd Odoo's max_connections.
        cs.MaxPoolSize = Math.Min(cs.MaxPoolSize, 4);
        // Read-only sessions on top of the read-only role (defence in depth), and bounded statements and locks.
        var timeout = ((long)options.StatementTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        cs.Options = string.Join(' ', new[]
        {
            cs.Options,
            "-c default_transaction_read_only=on",
            $"-c statement_timeout={timeout}",
            $"-c lock_timeout={timeout}",
            $"-c idle_in_transaction_session_timeout={timeout}",
        }.Where(o => !string.IsNullOrWhiteSpace(o)));
        return builder.Build();
    }
}
