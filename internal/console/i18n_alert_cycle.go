package console

// alertCycleMessages are the texts that link a risk alert and the PDCA cycles
// opened for it (risk.html, cycle.html, pdca_open.html).
var alertCycleMessages = map[string]message{
	"rk.cycles":          {"PDCA cycles", "PDCA 循环"},
	"rk.cycle":           {"cycle", "循环"},
	"rk.nocycle":         {"none opened for this alert", "尚未为此预警发起"},
	"rk.opencycle":       {"Open a PDCA cycle for this alert", "为此预警发起 PDCA 循环"},
	"cy.alert":           {"Opened for", "发起自"},
	"cy.alert.link":      {"risk alert", "风险预警"},
	"pdca.open.foralert": {"This cycle is opened for risk alert", "此循环为以下风险预警发起："},
}
