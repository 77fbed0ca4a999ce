using System.Reflection;
using Npgsql;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Collector;

/// <summary>Checks the <c>Collector</c> section at start-up, naming the setting at fault.</summary>
public static class CollectorOptionsValidator
{
    /// <summary>Throws <see cref="ConfigurationException"/> naming the first invalid <c>Collector</c> setting.</summary>
    public static void Validate(IConfiguration configuration)
    {
        var section = configuration.GetSection(CollectorOptions.SectionName);
        CollectorOptions options;
        try
        {
            options = section.Get<CollectorOptions>() ?? new CollectorOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException(CollectorOptions.SectionName, e.Message);
        }

        // Every interval, timeout and count must be positive: a zero would spin a probe or disable a bound silently.
        foreach (var property in typeof(CollectorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var bad = property.GetValue(options) switch
            {
                TimeSpan span when span <= TimeSpan.Zero => $"must be positive, got {span}",
                int count when count <= 0 => $"must be positive, got {count}",
                _ => null,
            };
            if (bad is not null) throw new ConfigurationException($"{CollectorOptions.SectionName}:{property.Name}", bad);
        }

        if (options.ConnectionString is { Length: > 0 } connection)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(connection);
            }
            catch (ArgumentException e)
            {
                // The message names the bad keyword, never the password.
                throw new ConfigurationException($"{CollectorOptions.SectionName}:ConnectionString (--odoo-db)", e.Message);
            }
        }
        if (options.LogPath is { Length: > 0 } log && Path.GetDirectoryName(Path.GetFullPath(log)) is { } folder && !Directory.Exists(folder))
        {
            throw new ConfigurationException($"{CollectorOptions.SectionName}:LogPath (--odoo-log)", $"folder '{folder}' does not exist");
        }
    }
}
