namespace OdooLatencyProxy.Configuration;

/// <summary>The command-line flags as a configuration layer.</summary>
internal sealed class FlagsConfigurationSource(IDictionary<string, string?> values, ISet<string> replacedLists) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new FlagsConfigurationProvider(values, replacedLists);
}
