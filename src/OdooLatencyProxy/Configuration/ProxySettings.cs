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

    /// <summary>The options of a section already checked by <see cref="Load"/> or <see cref="Validate"/>, or its defaults when absent.</summary>
    public static T Bind<T>(IConfiguration? configuration, string section) where T : class, new() =>
        configuration?.GetSection(section).Get<T>() ?? new T();

    private static List<string> OtherSections(IConfiguration configuration)
    {
        var errors = new List<string>();
        errors.AddRange(Section<TelemetryOptions>(configuration, TelemetryOptions.Section, new TelemetryOptionsValidator()));
        errors.AddRange(Section<CollectorOptions>(configuration, CollectorOptions.SectionName, new CollectorOptionsValidator()));
        errors.AddRange(Section<ClassificationOptions>(configuration, ClassifierLoader.Section, new ClassificationOptionsValidator()));
        return errors;
    }

    private static List<string> Section<T>(IConfiguration configuration, string name, IValidateOptions<T> validator) where T : class, new()
    {
        var errors = new List<string>();
        var section = Checked(configuration, name, typeof(T), errors);
        errors.AddRange(Failures(validator, section.Get<T>() ?? new T()));
        return errors;
    }

    // The section without the keys whose shape is wrong, so the validator still judges every other setting.
    private static IConfigurationSection Checked(IConfiguration configuration, string name, Type type, List<string> errors)
    {
        var section = configuration.GetSection(name);
        var shape = SettingsShape.Check(section, type);
        if (shape.Count == 0) return section;
        errors.AddRange(shape);
        var bad = shape.Select(s => ConfigurationError.FromFailure(s).Setting).ToList();
        var kept = section.AsEnumerable().Where(kv => !bad.Exists(b =>
            kv.Key.Equals(b, StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith(b + ":", StringComparison.OrdinalIgnoreCase)));
        return new ConfigurationBuilder().AddInMemoryCollection(kept).Build().GetSection(name);
    }

    private static IEnumerable<string> Failures<T>(IValidateOptions<T> validator, T options) where T : class =>
        validator.Validate(Options.DefaultName, options) is { Failed: true } result ? result.Failures ?? [] : [];

    // The binder appends configured items to a list's default; a configured list replaces it instead.
    private static ProxyOptions BindProxy(IConfigurationSection section)
    {
        var options = section.Get<ProxyOptions>() ?? new ProxyOptions();
        return options with
        {
            Upstreams = ListOr(section, nameof(options.Upstreams), options.Upstreams),
            GeventUpstreams = ListOr(section, nameof(options.GeventUpstreams), options.GeventUpstreams),
            TrustedProxies = ListOr(section, nameof(options.TrustedProxies), options.TrustedProxies),
        };
    }

    private static IReadOnlyList<T> ListOr<T>(IConfigurationSection section, string key, IReadOnlyList<T> bound) =>
        section.GetSection(key) is { } list && list.Exists() ? list.Get<T[]>() ?? [] : bound;

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0) throw new ConfigurationException([.. errors.Select(ConfigurationError.FromFailure)]);
    }
}
