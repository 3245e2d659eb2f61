import type { Domain } from '../knowledge/schema.js';

/** A phrase that points at a domain, with how strongly. */
export interface DomainRule {
  pattern: RegExp;
  weight: number;
  /** Short label reported as evidence. */
  label: string;
}

const r = (label: string, weight: number, pattern: RegExp): DomainRule => ({
  label,
  weight,
  pattern,
});

/**
 * Vocabulary per LiveKit domain, written from the domains' APIs and the ways people describe
 * their problems. Weights: 3 = decisive (API names, the domain's own word), 2 = strong, 1 = hint.
 */
export const DOMAIN_RULES: Record<Domain, readonly DomainRule[]> = {
  auth: [
    r('token', 3, /\b(?:access|join|jwt|auth|bearer|livekit)[ -]?tokens?\b|\btokens?\b/i),
    r('jwt', 3, /\bjwts?\b|\bclaims?\b/i),
    r(
      'grant',
      3,
      /\bgrants?\b|\bcan(?:Publish|Subscribe|PublishData|PublishSources|UpdateOwnMetadata)\b|\broom(?:Join|Admin|Create|List|Record)\b/i,
    ),
    r('api key/secret', 3, /\bapi[ _-]?(?:keys?|secrets?)\b|\bLIVEKIT_API_(?:KEY|SECRET)\b/i),
    r('secret', 2, /\bsecrets?\b(?! (?:store|manager))/i),
    r(
      'access',
      2,
      /\b(?:temporary|guest|limited|restricted|read-only|view-only) access\b|\baccess to (?:join|a room|the room|one room)\b/i,
    ),
    r('sdk auth api', 3, /\bAccessToken\b|\btoJwt\b|\baddGrant\b|\bTokenVerifier\b/),
    r(
      'unauthorized',
      2,
      /\bunauthori[sz]ed\b|\b401\b|\bunauthenticated\b|\bpermissions? denied\b|\bforbidden\b/i,
    ),
    r(
      'authn',
      2,
      /\bauthenticat\w+|\bauthori[sz]ation\b|\bsigned?\b(?= (?:with|by|the|tokens?))|\bsignature\b/i,
    ),
    r('expiry', 1.5, /\bexpir(?:e|y|ed|es|ation)\b|\bttl\b|\bclock skew\b|\bnbf\b/i),
    r('identity', 1, /\bidentit(?:y|ies)\b/i),
    r('key rotation', 2, /\brotat\w+ (?:the |our )?(?:api )?keys?\b|\bkey rotation\b/i),
    r(
      'least privilege',
      1.5,
      /\bleast[ -]privilege\b|\boverly permissive\b|\bguest (?:users?|access)\b/i,
    ),
  ],
  room: [
    r('room', 1, /\brooms?\b/i),
    r(
      'room lifecycle',
      2.5,
      /\b(?:create|delete|list|close|end|clean ?up)s? (?:a |the |all |old |empty )?rooms?\b|\brooms? (?:names?|naming|lifecycle|closes?|closed|timeout)\b/i,
    ),
    r('participant', 1, /\bparticipants?\b/i),
    r(
      'participant management',
      2.5,
      /\bkick(?:ed|ing)?\b|\bremov(?:e|ing) (?:a |the )?(?:participant|user)s?\b|\bban\b/i,
    ),
    r('moderation', 1, /\bmoderat\w+/i),
    r('naming', 2, /\bnam(?:e|ing) (?:scheme|convention)s?\b/i),
    r(
      'room api',
      3,
      /\bRoomServiceClient\b|\blistParticipants\b|\bcreateRoom\b|\bdeleteRoom\b|\blistRooms\b|\bupdateRoomMetadata\b|\bupdateParticipant\b|\bremoveParticipant\b|\bRoomService\b/,
    ),
    r('metadata/attributes', 2, /\bmetadata\b|\battributes?\b/i),
    r(
      'room limits',
      2.5,
      /\bmax(?:imum)?(?: \d+)? ?participants\b|\bempty ?timeout\b|\bdeparture ?timeout\b|\broom is full\b|\bcapacity of (?:a|the) room\b/i,
    ),
    r(
      'data',
      2.5,
      /\bdata (?:channels?|messages?|packets?)\b|\bpublishData\b|\btext streams?\b|\bbyte streams?\b|\brpc\b|\bchat messages?\b/i,
    ),
    r('identity clash', 2.5, /\bduplicate identit\w+|\bsame identity\b|\bDUPLICATE_IDENTITY\b/i),
    r('presence', 1.5, /\bwho is (?:in|online)\b|\bpresence\b|\bjoin(?:s|ed|ing)? and leav\w+/i),
  ],
  track: [
    r('track', 2, /\btracks?\b(?! (?:composite|egress))/i),
    r('media', 1, /\baudio\b|\bvideo\b/i),
    r('device', 2, /\bmicrophones?\b|\bmic\b|\bcameras?\b|\bscreen ?shar\w*|\bwebcam\b/i),
    r('publish', 1.5, /\bpublish(?:ing|ed|es)?\b|\bunpublish\w*/i),
    r('subscribe', 2, /\bsubscri(?:be|bed|bes|bing|ption|ptions)\b|\bunsubscrib\w*/i),
    r('mute', 2, /\bmut(?:e|ed|es|ing)\b|\bunmut\w+/i),
    r(
      'media tuning',
      2.5,
      /\bsimulcast\b|\bdynacast\b|\badaptive ?stream\b|\bcodecs?\b|\bvp[89]\b|\bh\.?264\b|\bav1\b|\bopus\b|\bbitrate\b|\bresolution\b|\bfps\b/i,
    ),
    r(
      'audio frames',
      2.5,
      /\bsample rate\b|\bAudioSource\b|\bAudioFrame\b|\bAudioStream\b|\bresampl\w+|\bpcm\b/i,
    ),
    r('speaker', 2.5, /\bactive speakers?\b|\bspeaking\b|\bspeaker detection\b/i),
    r(
      'hearing',
      2.5,
      /\bcan'?t hear\b|\bcannot hear\b|\bno (?:audio|sound|video)\b|\bhear (?:each other|anything|nothing|me)\b|\bone-way audio\b|\bchoppy\b|\brobotic\b|\becho\b|\bjitter\b|\bpacket loss\b|\bblack (?:screen|video)\b/i,
    ),
    r(
      'track api',
      3,
      /\bautoSubscribe\b|\bsetSubscribed\b|\bTrackSubscribed\b|\bpublishTrack\b|\bLocalAudioTrack\b|\bTrackPublication\b|\bRemoteTrack\b/,
    ),
    r('quality', 1, /\bquality\b|\bbandwidth\b/i),
  ],
  recording: [
    r('record', 3, /(?<!pre-?)\brecord(?:s|ing|ings|ed|er)?\b/i),
    r('media file', 2, /\bmp4\b|\bogg\b|\bwebm\b|\bm4a\b|\bwav files?\b/i),
    r('archive', 1.5, /\barchiv\w+/i),
    r('storage', 1.5, /\bs3\b|\bgcs\b|\bazure blob\b|\bbuckets?\b|\bminio\b|\bstorage\b/i),
    r('retention', 2, /\bretention\b|\bconsent\b|\bgdpr\b|\bhipaa\b|\bcompliance\b/i),
    r(
      'save call',
      2.5,
      /\bsav(?:e|ing)\b.{0,30}\b(?:calls?|audio|conversations?|meetings?|sessions?)\b/i,
    ),
    r('playback', 1, /\bplayback\b|\breplay\b/i),
  ],
  egress: [
    r('egress', 3, /\begress\w*/i),
    r('streaming protocol', 2.5, /\brtmps?\b|\bhls\b|\bsrt\b|\bm3u8\b/i),
    r(
      'livestream',
      2.5,
      /\blive ?stream\w*|\bstream(?:ing)?\b.{0,30}\blive\b|\bgo(?:ing)? live\b|\bbroadcast\w*|\bstream(?:ing)? (?:\w+ ){0,3}(?:to|on) (?:youtube|twitch|facebook|a cdn|the cdn)\b|\brestream\w*/i,
    ),
    r('platforms', 2, /\byoutube\b|\btwitch\b/i),
    r('transcode', 2.5, /\btranscod\w+/i),
    r('composite', 2, /\bcomposit\w+|\blayouts?\b|\bgrid view\b/i),
    r('export', 2, /\bexport(?:s|ed|ing)?\b/i),
    r(
      'egress api',
      3,
      /\bstart(?:RoomComposite|Track|TrackComposite|Participant|Web)Egress\b|\bEgressClient\b|\bEncodedFileOutput\b|\bSegmentedFileOutput\b|\bStreamOutput\b|\bImageOutput\b/,
    ),
    r('renderer', 2, /\bheadless chrom\w*|\bgstreamer\b|\btemplates?\b(?= (?:page|url|app))/i),
    r('thumbnails', 2, /\bthumbnails?\b|\bsnapshots?\b/i),
  ],
  webhook: [
    r('webhook', 3, /\bweb ?hooks?\b/i),
    r(
      'webhook events',
      2.5,
      /\b(?:room_started|room_finished|participant_joined|participant_left|participant_connection_aborted|track_published|track_unpublished|egress_started|egress_updated|egress_ended|ingress_started|ingress_ended|agent_job_started|agent_job_ended)\b/,
    ),
    r('receiver', 3, /\bWebhookReceiver\b|application\/webhook\+json/),
    r('checksum', 2.5, /\bsha-?256\b|\bchecksum\b/i),
    r('content type', 1.5, /\b415\b|\bunsupported media type\b|\bcontent[- ]type\b/i),
    r('events sent', 2.5, /\bevents? (?:are |is |get |gets )?(?:sent|fired|emitted|delivered)\b/i),
    r(
      'callbacks',
      2,
      /\bcallbacks?\b|\bevent notifications?\b|\bnotif(?:y|ied|ies|ications?) (?:my |our |the )?(?:backend|server|api)\b|\bserver-side events?\b/i,
    ),
    r(
      'event delivery',
      1.5,
      /\b(?:duplicate|retried|missed|missing|lost) events?\b|\bidempoten\w+/i,
    ),
  ],
  agents: [
    r('agent', 2, /\bagents?\b/i),
    r(
      'voice ai',
      2,
      /\bvoice (?:ai|agents?|bots?|assistants?)\b|\bconversational ai\b|\bai (?:assistant|bot)s?\b/i,
    ),
    r('worker', 2, /\bworkers?\b|\bagent servers?\b/i),
    r('dispatch', 2, /\bdispatch(?:ed|ing|es)?\b(?! rules?)|\bagentName\b|\bagent_name\b/i),
    r(
      'models',
      2,
      /\bllms?\b|\bstt\b|\btts\b|\bvad\b|\bgpt-?[\w.]*|\bopenai\b|\bdeepgram\b|\belevenlabs\b|\bcartesia\b|\bsilero\b|\bwhisper\b|\brealtime (?:api|model)\b/i,
    ),
    r(
      'turns',
      2.5,
      /\bturn[ -]detect\w*|\bend[ -]of[ -](?:turn|utterance)\b|\binterrupt\w*|\bbarge[ -]?in\b|\bendpointing\b|\btalk(?:s|ing)? over\b/i,
    ),
    r(
      'framework api',
      3,
      /\bAgentSession\b|\bdefineAgent\b|\bJobContext\b|\bentrypoint\b|\bprewarm\b|requestFunc\b|\bServerOptions\b|\brunApp\b|\bfunction tools?\b|\btool calls?\b|\bhandoffs?\b|\bllm\.tool\b|\bchat ?ctx\b|\blivekit-agents\b|@livekit\/agents/i,
    ),
    r('job', 1, /\bjobs?\b/i),
    r('bot', 1.5, /\bbots?\b|\bassistants?\b/i),
    r(
      'speech',
      1.5,
      /\bspeech[ -]to[ -]text\b|\btext[ -]to[ -]speech\b|\btranscri(?:be|bes|ption|ptions|pts?)\b|\bvoices?\b(?! (?:chat|call)s? (?:app|room)s?)/i,
    ),
    r('prompting', 1, /\bprompts?\b|\binstructions\b|\bpersona\b/i),
  ],
  sip: [
    r('sip', 3, /\bsip\b/i),
    r('telephony', 3, /\bphone(?: numbers?| calls?|s)?\b|\btelephony\b|\bpstn\b|\blandlines?\b/i),
    r('trunk', 2.5, /\btrunks?\b/i),
    r(
      'calling',
      1.5,
      /\b(?:inbound|outbound|incoming|outgoing) calls?\b|\bdial(?:s|ed|ing|[ -]out|[ -]in)?\b|\bcallers?\b|\bcall center\b/i,
    ),
    r('carriers', 2.5, /\btwilio\b|\btelnyx\b|\bplivo\b|\bvonage\b|\bexotel\b/i),
    r(
      'call control',
      2.5,
      /\bdtmf\b|\bcaller ?id\b|\b(?:cold|warm) transfer\b|\btransfer(?:ring)? (?:the )?call\b|\bvoicemail\b|\bivr\b|\bhang(?:s|ing)? up\b|\bring(?:s|ing)\b/i,
    ),
    r('dispatch rule', 3, /\bdispatch rules?\b/i),
    r('sip api', 3, /\bSipClient\b|\bcreateSip\w+|\bCreateSIP\w+|\bSipCallError\b/),
  ],
  deployment: [
    r('deploy', 2, /\bdeploy\w*/i),
    r(
      'platform',
      2.5,
      /\bkubernetes\b|\bk8s\b|\bhelm\b|\bdocker\w*|\bcompose\b|\becs\b|\bec2\b|\bfly\.io\b|\bterraform\b|\bsystemd\b|\bpods?\b|\bcontainers?\b/i,
    ),
    r('self-host', 2.5, /\bself[ -]?host\w*|\bon[ -]prem\w*|\bown (?:servers?|infrastructure)\b/i),
    r(
      'server config',
      2,
      /\blivekit\.yaml\b|\bconfig(?:uration)? file\b|\blivekit-server\b(?!-sdk)|\blivekit server\b/i,
    ),
    r(
      'server lifecycle',
      2,
      /\b(?:server|livekit) (?:logs?|startup|start(?:s|ing)?|fails? to start|crash\w*|versions?)\b|\bat startup\b|\bversion of (?:the )?(?:livekit )?server\b|\bupgrad\w+/i,
    ),
    r(
      'network',
      2.5,
      /\bports?\b|\bfirewalls?\b|\budp\b|\btcp\b|\bnat\b|\bice\b|\bstun\b|\bturn(?: server|\/tls| relay)\b|\bsecurity groups?\b/i,
    ),
    r(
      'tls',
      2,
      /\btls\b|\bssl\b|\bcertificates?\b|\bhttps\b|\bwss\b|\breverse proxy\b|\bnginx\b|\bcaddy\b|\bload balancers?\b|\bingress controller\b/i,
    ),
    r('redis', 2.5, /\bredis\b/i),
    r(
      'scaling',
      1.5,
      /\bscal(?:e|es|ed|ing|ability)\b|\bautoscal\w+|\bhorizontal\w*|\breplicas?\b/i,
    ),
    r(
      'operations',
      2.5,
      /\bmonitor\w*|\bprometheus\b|\bgrafana\b|\bhealth ?checks?\b|\balert\w*|\buptime\b|\brolling (?:update|deploy)\w*/i,
    ),
    r(
      'capacity',
      1.5,
      /\bcpu\b|\bmemory\b|\boom\b|\bnodes\b|\bnode selector\b|\bclusters?\b|\bregions?\b|\bregion-aware\b|\bvms?\b/i,
    ),
    r(
      'connectivity',
      2.5,
      /\bcould not establish pc connection\b|\bice (?:fail\w*|candidates?)\b|\bconnection (?:fails?|failed|drops?|timeouts?)\b|\bcorporate (?:network|firewall)s?\b/i,
    ),
    r('production', 1, /\bproduction\b|\bstaging\b/i),
  ],
};
