namespace OdooLatencyProxy.LoadTest.Cli;

/// <summary>Exit codes of the harness (k6 uses 99 for failed thresholds; we do too).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int Usage = 2;
    public const int CrossCheckDisagreed = 98;
    public const int ThresholdsFailed = 99;
}
