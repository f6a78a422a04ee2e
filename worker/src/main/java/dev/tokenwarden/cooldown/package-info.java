/**
 * Cooldowns (temp-unschedulable windows): the reason format shared with sub2api, and the upstream-rejected
 * path of BRIEF §5.
 */
package dev.tokenwarden.cooldown;
