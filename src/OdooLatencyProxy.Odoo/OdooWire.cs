namespace OdooLatencyProxy.Odoo;

/// <summary>Facts about Odoo's HTTP surface shared by the proxy, the simulator and the harness.</summary>
public static class OdooWire
{
    /// <summary>Path of Odoo's health route, answered by every worker.</summary>
    public const string HealthPath = "/web/health";
}
