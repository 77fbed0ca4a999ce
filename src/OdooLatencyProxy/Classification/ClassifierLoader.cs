using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Classification;

/// <summary>Builds the request classifier from the <c>Classification</c> section; a bad rule stops start-up naming it.</summary>
internal static class ClassifierLoader
{
    public const string Section = "Classification";

    public static RequestClassifier Load(IConfiguration? configuration)
    {
        ClassificationOptions options;
        try
        {
            options = configuration?.GetSection(Section).Get<ClassificationOptions>() ?? new ClassificationOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException(Section, e.Message);
        }
        try
        {
            return new RequestClassifier(options);
        }
        catch (ClassificationRuleException e)
        {
            throw new ConfigurationException($"{Section}:Rules:{e.RuleIndex}", e.Message);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException(Section, e.Message);
        }
    }
}
