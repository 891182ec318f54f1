package complaint

import "slices"

// The customer's wait (002 §7.1 「客户等待时长(WT)…WT目标缩短至90秒，通过智能路由与弹性人力配置实现即时响应」):
// how long the customer queued before reaching a person, as the intake system
// measured it, in whole seconds.

// MaxWaitSeconds bounds a wait: a day. Longer is not a queue but a lost contact.
const MaxWaitSeconds = 86400

// queuelessChannels are the channels where no customer queues for a person: a
// letter, a post, a visit the company pays for, a survey answer. Every other
// channel may have a queue — the seeds' five service systems (002 §2.2 「电话、在线、
// 微信、小程序、第三方平台」: phone, web and app chat, wechat, mini_program,
// marketplace) and "other" (a counter, a channel not listed).
var queuelessChannels = []string{"email", "social_media", "mystery_shopper", "survey"}

// Waits reports whether a customer reaching us through channel may have waited in
// a queue, so that a wait filed with it means something.
func Waits(channel string) bool { return !slices.Contains(queuelessChannels, channel) }

// WaitChannels lists the channels Waits accepts, in Channels order.
func WaitChannels() []string {
	var out []string
	for _, c := range Channels {
		if Waits(c) {
			out = append(out, c)
		}
	}
	return out
}
