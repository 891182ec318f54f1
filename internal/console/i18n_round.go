package console

// roundMessages name the SLA of a round the customer's dissatisfied survey answer
// reopened (the API's sla.round), beside the policy the complaint was filed under.
var roundMessages = map[string]message{
	"c.roundpolicy": {"SLA policy of this round", "本轮适用的 SLA 策略"},
	"c.round":       {"Round ", "第 "}, // before the round's number
	"c.roundof":     {": ", " 轮："},    // after it
	"c.rounddef":    {"no negative_feedback policy: the defaults", "无负面反馈策略，采用默认值"},
}
