namespace OdooLatencyProxy.Configuration;

/// <summary>
/// Serves the flags' values. Configuration merges lists by index across layers; a repeatable flag must replace
/// the list of the files instead, so this layer hides the earlier layers' items of the lists it sets.
/// </summary>
internal sealed class FlagsConfigurationProvider(IDictionary<string, string?> values, ISet<string> replacedLists) : ConfigurationProvider
{
    public override void Load()
    {
        foreach (var (key, value) in values) Data[key] = value;
    }

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
        parentPath is not null && replacedLists.Contains(parentPath)
            ? base.GetChildKeys([], parentPath)
            : base.GetChildKeys(earlierKeys, parentPath);
}
