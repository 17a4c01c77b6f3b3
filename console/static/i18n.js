// The console's words in English and Chinese; app.js picks one (the toggle, remembered per browser).
"use strict";
window.NS_STRINGS = {
  en: {
    connecting: "Connecting…", disconnected: "Disconnected — reconnecting…", signout: "Sign out",
    pause: "Pause", resume: "Resume", stop: "STOP", takeover: "Take over", takeover_end: "End takeover",
    takeover_soon: "Takeover (webcam and mic) is not available in this show yet",
    say_title: "Say this", say: "Speak", products: "Product on screen", held: "Held for approval",
    comments: "Comments", summary: "Run summary", latency: "Latency (ms)", audit: "Audit trail",
    approve: "Approve", edit: "Edit", reject: "Reject", save: "Approve edit", cancel: "Cancel",
    reply_to: "reply to", idle_q: "Are you there? Your heartbeat keeps the show on air.", idle_yes: "I'm here",
    idle_gone: "Heartbeats stopped: the show handles your absence. Click when you are back.",
    live: "LIVE", paused: "PAUSED", stopped: "STOPPED", ended: "ENDED", lapsed: "no operator",
    present: "operator present", not_required: "presence not required", on_duty: "on duty",
    none_held: "Nothing is waiting.", skip: "skipped", lang: "lang", intent: "intent",
    stop_done: "Stopped: silent after", ms: "ms",
  },
  zh: {
    connecting: "连接中…", disconnected: "连接断开，正在重连…", signout: "退出",
    pause: "暂停", resume: "继续", stop: "紧急停止", takeover: "真人接管", takeover_end: "结束接管",
    takeover_soon: "本场暂不支持真人接管（摄像头和麦克风）",
    say_title: "让主播说", say: "播出", products: "当前商品", held: "待审核",
    comments: "评论", summary: "本场统计", latency: "延迟（毫秒）", audit: "审计记录",
    approve: "通过", edit: "修改", reject: "拒绝", save: "修改后通过", cancel: "取消",
    reply_to: "回复", idle_q: "你还在吗？心跳让直播继续。", idle_yes: "我在",
    idle_gone: "心跳已停止：直播按无人值守处理。回来后请点击。",
    live: "直播中", paused: "已暂停", stopped: "已停止", ended: "已结束", lapsed: "无人值守",
    present: "操作员在岗", not_required: "无需在岗心跳", on_duty: "在岗",
    none_held: "没有待审核的内容。", skip: "跳过", lang: "语言", intent: "意图",
    stop_done: "已停止，静音用时", ms: "毫秒",
  },
};
