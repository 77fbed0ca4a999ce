using System.Net;

namespace OdooLatencyProxy.Configuration;

/// <summary>A list of IP addresses and CIDR networks (<c>10.0.0.0/8</c>, <c>192.0.2.7</c>, <c>::1</c>), as settings write them.</summary>
internal sealed class AddressRanges(IEnumerable<string> entries)
{
    private readonly IPNetwork[] _networks = [.. entries.Select(Parse)];

    /// <summary>True when <paramref name="address"/> is in one of the networks (an IPv4-mapped IPv6 address counts as IPv4).</summary>
    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in _networks)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    /// <summary>Reads one entry: a CIDR network or a single address.</summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (text.Contains('/', StringComparison.Ordinal)) return IPNetwork.TryParse(text, out network);
        if (!IPAddress.TryParse(text, out var address)) return false;
        network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
        return true;
    }

    private static IPNetwork Parse(string text) =>
        TryParse(text, out var network) ? network : throw new FormatException($"'{text}' is not an IP address or CIDR network");
}
