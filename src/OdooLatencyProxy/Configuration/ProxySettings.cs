using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Configuration;

/// <summary>
/// The one options model of the proxy: every section's keys and values are checked against its options type
/// (<see cref="SettingsShape"/>), then its <see cref="IValidateOptions{TOptions}"/> runs, and every problem of every
/// section is reported at once in one <see cref="ConfigurationException"/>, like YARP's config validators.
/// </summary>
public static class ProxySettings
{
    /// <summary>Binds <see cref="ProxyOptions"/> from <paramref name="configuration"/> and checks every section.</summary>
    public static ProxyOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var section = Checked(configuration, ProxyOptions.Section, typeof(ProxyOptions), errors);
        var options = BindProxy(section);
        errors.AddRange(Failures(new ProxyOptionsValidator(), options));
        errors.AddRange(OtherSections(configuration));
        ThrowIfAny(errors);
        return options;
    }

    /// <summary>Checks options built in code (tests, the load-test harness) and the other sections of <paramref name="configuration"/>.</summary>
    public static void Validate(ProxyOptions options, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(Failures(new ProxyOptionsValidator(), options));
        if (configuration is not null) errors.AddRange(OtherSections(configuration));
        ThrowIfAny(errors);
    }

    /// <summary>The <c>Telemetry</c> section already checked by <see cref="Load"/> or <see cref="Validate"/>, or its defaults when absent.</summary>
    public static TelemetryOptions Telemetry(IConfiguration? configuration) =>
        configuration is null ? new TelemetryOptions() : SettingsBinder.Bind<TelemetryOptions>(configuration.GetSection(TelemetryOptions.Section));

    // SettingsShape and the binder read and set the properties of the nested options record too: the trimmer must keep them.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties, typeof(ClassificationRule))]
    private static List<string> OtherSections(IConfiguration configuration)
    {
        var errors = new List<string>();
        var telemetry = Checked(configuration, TelemetryOptions.Section, typeof(TelemetryOptions), errors);
        errors.AddRange(Failures(new TelemetryOptionsValidator(), SettingsBinder.Bind<TelemetryOptions>(telemetry)));
        var collector = Checked(configuration, CollectorOptions.SectionName, typeof(CollectorOptions), errors);
        errors.AddRange(Failures(new CollectorOptionsValidator(), SettingsBinder.Bind<CollectorOptions>(collector)));
        var classification = Checked(configuration, ClassifierLoader.Section, typeof(ClassificationOptions), errors);
        errors.AddRange(Failures(new ClassificationOptionsValidator(), SettingsBinder.Bind<ClassificationOptions>(classification)));
        return errors;
    }

    // The section without the keys whose shape is wrong, so the validator still judges every other setting.
    private static IConfigurationSection Checked(
        IConfiguration configuration, string name, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, List<string> errors)
    {
        var section = configuration.GetSection(name);
        var shape = SettingsShape.Check(section, type);
        if (shape.Count == 0) return section;
        errors.AddRange(shape);
        return Without(section, [.. shape.Select(s => ConfigurationError.FromFailure(s).Setting)]);
    }

    // A copy of the section without the given settings (full paths) and everything under them.
    private static IConfigurationSection Without(IConfigurationSection section, List<string> settings)
    {
        var kept = section.AsEnumerable().Where(kv => !settings.Exists(b =>
            kv.Key.Equals(b, StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith(b + ":", StringComparison.OrdinalIgnoreCase)));
        return new ConfigurationBuilder().AddInMemoryCollection(kept).Build().GetSection(section.Path);
    }

    private static IEnumerable<string> Failures<T>(IValidateOptions<T> validator, T options) where T : class =>
        validator.Validate(Options.DefaultName, options) is { Failed: true } result ? result.Failures ?? [] : [];

    // The binder appends configured items to a list's default; a configured list replaces it instead. Upstreams are
    // read from their text form here, so no TypeConverter needs to survive trimming.
    private static ProxyOptions BindProxy(IConfigurationSection section)
    {
        var upstreams = section.GetSection(nameof(ProxyOptions.Upstreams));
        var gevent = section.GetSection(nameof(ProxyOptions.GeventUpstreams));
        var options = SettingsBinder.Bind<ProxyOptions>(Without(section, [upstreams.Path, gevent.Path]));
        var trusted = section.GetSection(nameof(options.TrustedProxies));
        return options with
        {
            Upstreams = upstreams.Exists() ? Destinations(upstreams) : options.Upstreams,
            GeventUpstreams = gevent.Exists() ? Destinations(gevent) : options.GeventUpstreams,
            TrustedProxies = trusted.Exists() ? [.. trusted.GetChildren().Select(c => c.Value).OfType<string>()] : options.TrustedProxies,
        };
    }

    private static UpstreamDestination[] Destinations(IConfigurationSection list) =>
        [.. list.GetChildren().Where(c => !string.IsNullOrEmpty(c.Value)).Select(c => UpstreamDestination.Parse(c.Value!))];

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0) throw new ConfigurationException([.. errors.Select(ConfigurationError.FromFailure)]);
    }
}
