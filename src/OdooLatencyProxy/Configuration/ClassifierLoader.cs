using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Configuration;

/// <summary>Builds the request classifier from the <c>Classification</c> section, checked beforehand by <see cref="ClassificationOptionsValidator"/>.</summary>
internal static class ClassifierLoader
{
    public const string Section = "Classification";

    public static RequestClassifier Load(IConfiguration? configuration) =>
        new(configuration is null ? new ClassificationOptions() : SettingsBinder.Bind<ClassificationOptions>(configuration.GetSection(Section)));
}
