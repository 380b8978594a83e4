Feature: soak seed 239 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 239 --conversations 20 --messages 100 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 239 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14152145973" and "+14154814571" and "+14159419594" and "+14159637251"
    Given a consumer "Greta VonRueden 2" with mobile phone "+919066287364" located in "IN"
    Given a customer contact "Francis Mann 3" with mobile phone "+447311169542" located in "GB"
    Given a sys_user "Yessenia Heller 5" with mobile phone "+4915152095387" located in "DE"
    Given a customer contact "Peter Considine 7" with mobile phone "+4915138265564" located in "DE"
    Given a sys_user "Jazmyn Terry 8" with mobile phone "+34658958867" located in "ES"
    Given a consumer "Liam Langworth 9" with mobile phone "+33611736221" located in "FR"
    Given a customer contact "Joesph Yost 10" with mobile phone "+819040468763" located in "JP"
    Given a customer contact "Reinhold McLaughlin 12" with mobile phone "+5511987378905" located in "BR"
    Given a sys_user "Connor Kris 14" with mobile phone "+14157077891" located in "US"
    Given a customer contact "Sheldon Ruecker 16" with mobile phone "+14154618527" located in "US"
    Given a sys_user "Myrtie Wehner 18" with mobile phone "+5511936857439" located in "BR"
    Given a consumer "Dejah Wolff 19" with mobile phone "+447347437841" located in "GB"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 1
    Given agent "agent02" has SMS capacity 4
    Given agent "agent03" has SMS capacity 4
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 15958 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+61485016581" texts "est sequi sint ipsa minima quibusdam distinctio ut consequatur voluptatem." to "+14159419594"
    When "+61485016581" texts "eveniet impedit nobis voluptatem quam illum quae recusandae." with the image "https://cdn.example.com/soak/13/photo-0.jpg" to "+14159419594"
    When "+5511987378905" texts "optio enim alias." to "+14154814571"
    When "+61485016581" texts "agent" to "+14159419594"
    When "+14157077891" texts "1" to "+14159419594"
    When "+5511987378905" texts "quos qui aperiam debitis autem autem atque." to "+14154814571"
    When "+447347437841" texts "assumenda rerum unde quo qui nesciunt occaecati doloribus tempora." to "+14154814571"
    When "+34687988640" texts "1" to "+14159637251"
    When agent "agent02" composes "sed quis sequi molestiae quae debitis repellat magni tempora nesciunt aut." from "+14152145973" to "+4915158006430"
    When agent "agent02" composes "お世話になっております。注文の件です" on interaction IMS0001006 from "+14152145973"
    When 31 seconds pass
    When agent "agent02" composes "cupiditate eos molestiae autem qui quasi modi." on interaction IMS0001006 from "+14152145973"
    When agent "agent02" closes IMS0001006
    When agent "agent02" rejects the work item for IMS0001001
    When "+14157077891" texts "order" to "+14159637251"
    When "+33666619713" texts "ratione ipsa voluptates." to "+14152145973"
    When "+33611736221" texts "hic impedit recusandae aut accusamus quidem assumenda." to "+14159637251"
    When "+14157077891" texts "natus quas aut deserunt vitae recusandae unde sed et." to "+14159637251"
    When "+5511987378905" texts "sunt tempora nesciunt." to "+14154814571"
    When agent "agent03" accepts the work item for IMS0001001
    When 123 seconds pass
    When 30 seconds pass
    When 255 seconds pass
    When Twilio delivers the webhook of message #1 of IMS0001009 again
    When agent "agent03" composes "itaque sunt magnam et officia dicta officia enim inventore quos error." on interaction IMS0001001 from "+14159419594"
    When "+819040468763" texts "order" to "+14159419594"
    When "+33666619713" texts "a qui saepe autem hic molestiae magnam qui cupiditate sed voluptatem." to "+14152145973"
    When "+61485016581" texts "AGENT" to "+14159419594"
    When agent "agent03" composes "Спасибо, жду ответа" on interaction IMS0001001 from "+14159419594"
    When agent "agent03" composes "blanditiis voluptates aperiam rerum laborum." on interaction IMS0001001 from "+14159419594"
    When "+33666619713" texts "aut odit itaque tempore." to "+14152145973"
    When "+5511987378905" texts "¿Cuándo llega mi pedido? 📦" to "+14154814571"
    When "+33611736221" texts "no" to "+14152145973"
    When 78 seconds pass
    When "+33611736221" texts "1" to "+14154814571"
    When agent "agent03" composes "👍👍 thanks" on interaction IMS0001001 from "+14159419594"
    When agent "agent03" transfers IMS0001001 to agent "agent01"
    When "+33666619713" texts "doloremque itaque asperiores." to "+14152145973"
    When agent "agent01" accepts the work item for IMS0001001
    When "+33611736221" texts "rerum accusamus ratione." to "+14152145973"
    When "+34687988640" texts "AGENT" to "+14159637251"
    When agent "agent01" composes "sit eum eos omnis tempora assumenda tempore." on interaction IMS0001001 from "+14159419594"
    When agent "agent01" closes IMS0001001
    When "+5511987378905" texts "quo qui esse aut est enim possimus quibusdam qui." to "+14154814571"
    When "+33666619713" texts "お世話になっております。注文の件です" to "+14152145973"
    When agent "agent02" accepts the work item for IMS0001005
    When "+819040468763" texts "totam velit ad explicabo molestiae eveniet id laboriosam officiis." to "+14154814571"
    When "+33666619713" texts "modi adipisci eos illum eos hic quia assumenda modi voluptate." to "+14152145973"
    When "+819040468763" texts "quos deserunt sed." to "+14159419594"
    When "+14157077891" texts "nulla repellat amet pariatur voluptas ut." to "+14159419594"
    When "+34687988640" texts "enim occaecati illo fugiat maiores recusandae consequatur dolor aliquam laudantium sapiente itaque dolor quisquam consectetur dolores facilis sed quasi voluptas neque natus laborum vitae blanditiis qui nisi error est provident qui in dolore omnis aspernatur suscipit qui amet ab id alias voluptatum necessitatibus autem laudantium atque eaque ipsa dicta ab illo et asperiores in aliquid rerum quia expedita illum iusto odit ut ullam aut necessitatibus aut tempora et exercitationem" to "+14159637251"
    When "+34687988640" texts "AGENT" to "+14159637251"
    When 115 seconds pass
    When "+447311169542" texts "at voluptatem enim." to "+14159419594"
    When 163 seconds pass
    When agent "agent02" composes "perspiciatis voluptatum autem voluptates provident non." on interaction IMS0001005 from "+14159637251"
    When "+5511987378905" texts "omnis quod ipsum facilis et aliquid fugit." to "+14154814571"
    When agent "agent02" composes "aliquid ut voluptas vitae consectetur ea sed." on interaction IMS0001005 from "+14159637251"
    When 156 seconds pass
    When "+447311169542" texts "commodi culpa illo unde reiciendis beatae." to "+14159419594"
    When "+4915152095387" texts "aliquid sed ipsam molestiae." to "+14159419594"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 15798 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+61485016581" texts "enim dolore culpa." to "+14154814571"
    When Twilio delivers the webhook of message #1 of IMS0001011 again
    When "+819040468763" texts "Merci beaucoup, ça marche 😀" to "+14154814571"
    When "+819040468763" texts "necessitatibus aut esse voluptatem necessitatibus quis nostrum vel." to "+14159419594"
    When "+33611736221" texts "occaecati dolorem assumenda." to "+14154814571"
    When "+33666619713" texts "eligendi molestiae quis aut dicta asperiores ut." to "+14152145973"
    When "+5511987378905" texts "deleniti sint iusto harum nobis dolores voluptas maxime nisi sed sequi." to "+14154814571"
    When agent "agent02"'s SMS capacity becomes 1
    When agent "agent02" composes "minus assumenda impedit fugiat ad odio non." on interaction IMS0001005 from "+14159637251"
    When agent "agent02" becomes available
    When agent "agent02" composes "dolore minus fugit deserunt." on interaction IMS0001005 from "+14159637251"
    When 31 seconds pass
    When agent "agent02"'s SMS capacity becomes 0
    When "+14157077891" texts "nobis reprehenderit asperiores ut et repellendus." to "+14159419594"
    When "+5511987378905" texts "Спасибо, жду ответа" to "+14154814571"
    When 237 seconds pass
    When agent "agent02" transfers IMS0001005 to queue "Soak"
    When Twilio delivers the webhook of message #1 of IMS0001018 again
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 16975 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+61485016581" texts "1" to "+14154814571"
    When "+447311169542" texts "occaecati est omnis nobis molestiae vel." to "+14159419594"
    When "+33611736221" texts "STOP" to "+14154814571"
    When "+34687988640" texts "eum dolores mollitia excepturi optio sed assumenda commodi qui porro." to "+14159419594"
    When agent "agent01" accepts the work item for IMS0001005
    When "+34687988640" texts "omnis est repellendus quisquam." to "+14159637251"
    When Twilio delivers the webhook of message #1 of IMS0001011 again
    When "+34687988640" texts "Danke! Können Sie mich zurückrufen?" to "+14159419594"
    When "+819040468763" texts "Danke! Können Sie mich zurückrufen?" to "+14159419594"
    When agent "agent01" leaves IMS0001005
    When "+33666619713" texts "2" to "+14152145973"
    When "+61485016581" texts "cumque sint eligendi non libero." to "+14154814571"
    When agent "agent03" accepts the work item for IMS0001005
    When agent "agent01"'s SMS capacity becomes 2
    When "+33666619713" texts "1" to "+14159419594"
    When "+14157077891" texts "explicabo adipisci architecto consequuntur vel qui qui quia rem et." to "+14159419594"
    When agent "agent03" composes "officiis architecto aliquid quia ut." on interaction IMS0001005 from "+14159637251"
    When agent "agent03" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001005 from "+14159637251"
    When "+14157077891" texts "Notification" to "+14159419594"
    When agent "agent03" composes "sit eius distinctio." on interaction IMS0001005 from "+14159637251"
    When 138 seconds pass
    When agent "agent03" becomes available
    When "+14157077891" texts "" with the images "https://cdn.example.com/soak/14/photo-0.jpg" and "https://cdn.example.com/soak/14/photo-1.jpg" to "+14159419594"
    When "+819040468763" texts "perferendis quisquam harum et sed tenetur." to "+14154814571"
    When agent "agent03" composes "aut reiciendis autem eaque iusto est quis quia." on interaction IMS0001005 from "+14159637251"
    When "+34687988640" texts "officia delectus animi in." to "+14154814571"
    When agent "agent03" composes "sequi dolor vel vero dolore." on interaction IMS0001005 from "+14159637251"
    When "+14154618527" texts "ipsam sequi mollitia distinctio error alias." to "+14159419594"
    When "+34687988640" texts "dolorem quis ducimus et molestiae excepturi officia hic voluptas." to "+14154814571"
    When agent "agent03" composes "doloribus voluptatem veniam eum quisquam." on interaction IMS0001005 from "+14159637251"
    When agent "agent03" closes IMS0001005
    When 193 seconds pass
    When "+4915138265564" texts "et expedita enim voluptates similique tempora laborum qui esse vero." to "+14154814571"
    When "+14154618527" texts "sed eius commodi eligendi vel asperiores assumenda exercitationem." with the image "https://cdn.example.com/soak/16/photo-0.jpg" to "+14159419594"
    When "+5511936857439" texts "est alias est facilis iusto rerum." to "+14154814571"
    When 281 seconds pass
    When "+4915116942710" texts "agent" to "+14159637251"
    When agent "agent02" goes away
    When "+4915138265564" texts "id voluptatem eius mollitia dolorum in." to "+14154814571"
    When "+33666619713" texts "dolores ut laudantium veniam et et et." to "+14152145973"
    When "+34687988640" texts "ut minus est cumque corrupti necessitatibus." to "+14154814571"
    When "+14154618527" texts "est temporibus voluptate saepe sed expedita." to "+14159419594"
    When "+4915116942710" texts "AGENT" to "+14159637251"
    When agent "agent02" becomes available
    When 270 seconds pass
    When "+14154618527" texts "molestiae et eos unde aut vero." to "+14159419594"
    When 78 seconds pass
    When "+14157077891" texts "deleniti occaecati sapiente consequuntur." to "+14159637251"
    When "+14157077891" texts "deleniti necessitatibus sit nesciunt provident sequi incidunt enim voluptate dolorum omnis." to "+14159419594"
    When 255 seconds pass
    When "+14154618527" texts "temporibus doloremque fuga facere cupiditate tenetur aut natus itaque id officiis." to "+14159637251"
    When agent "agent03" rejects the work item for IMS0001036
    When agent "agent01" rejects the work item for IMS0001036
    When "+5511936857439" texts "error rerum quasi dolore temporibus quis maxime et quos possimus." to "+14154814571"
    When "+5511936857439" texts "agent" to "+14154814571"
    When "+4915138265564" texts "Спасибо, жду ответа" to "+14154814571"
    When "+14154618527" texts "no" to "+14159637251"
    When 246 seconds pass
    When agent "agent01" goes away
    When "+14154618527" texts "doloribus aliquid aliquid at." to "+14159419594"
    When "+34687988640" texts "quidem blanditiis voluptatem voluptas et commodi." to "+14154814571"
    When 46 seconds pass
    When agent "agent03" goes offline
    When agent "agent03" goes offline
    When "+14154618527" texts "yes" to "+14159637251"
    When "+14157077891" texts "labore ullam occaecati illo quo provident quia voluptas laborum." to "+14159637251"
    When "+34658958867" texts "et adipisci repellendus eius." with the image "https://cdn.example.com/soak/8/photo-0.jpg" to "+14159637251"
    When "+14154618527" texts "2" to "+14159637251"
    When Twilio delivers the webhook of message #1 of IMS0001013 again
    When Twilio delivers the webhook of message #1 of IMS0001032 again
    When agent "agent02" goes away
    When 13195 seconds pass
    When agent "agent02" becomes available
    When "+33666619713" texts "sit officia nam eveniet excepturi vel." to "+14152145973"
    When Twilio delivers the webhook of message #1 of IMS0001024 again
    When agent "agent02" goes away
    When 19436 seconds pass
    When agent "agent02" becomes available
    When "+819040468763" texts "ducimus ab repellat blanditiis." to "+14154814571"
    When agent "agent02" goes away
    When 12564 seconds pass
    When agent "agent02" becomes available
    When agent "agent02" composes "qui est ut magnam." with the attachment "receipt.png" of type "image/png" from "+14159637251" to "+4915152095387" for sys_user "Yessenia Heller 5"
    When 275 seconds pass
    When agent "agent03" goes away
    When "+34687988640" texts "2" to "+14154814571"
    When 222 seconds pass
    When "+4915116942710" texts "order" to "+14159637251"
    When "+33666619713" texts "order" to "+14152145973"
    When "+5511936857439" texts "sit earum deserunt tempore id maiores accusamus veniam dolorem qui." to "+14154814571"
    When 22 seconds pass
    When "+14154618527" texts "Merci beaucoup, ça marche 😀" to "+14159637251"
    When "+33666619713" texts "aliquam libero dolores saepe corrupti odit cum nulla necessitatibus nam." to "+14152145973"
    When "+14157077891" texts "error cum quia." to "+14159637251"
    When "+14157077891" texts "" with the images "https://cdn.example.com/soak/14/photo-0.jpg", "https://cdn.example.com/soak/14/photo-1.jpg" and "https://cdn.example.com/soak/14/photo-2.jpg" to "+14159637251"
    When agent "agent02" composes "omnis quos distinctio beatae aut." on interaction IMS0001042 from "+14159637251"
    When agent "agent02" composes "consequatur et qui autem tenetur iure cupiditate qui maiores voluptatem recusandae." on interaction IMS0001042 from "+14159637251"
    When agent "agent02" closes IMS0001042
    When "+919066287364" texts "dolorem laboriosam sunt dolores illum incidunt ut non deserunt quam repudiandae corporis qui et cum optio illum qui itaque assumenda pariatur molestiae iusto vero illum quae sed corporis unde earum ut similique fugiat id dolor pariatur porro qui officiis eius provident suscipit inventore a asperiores quibusdam incidunt delectus corporis voluptate vero repellendus tempore et enim et sit voluptatibus excepturi est unde voluptatem recusandae est veniam cumque repudiandae numquam porro doloremque id magnam nemo ipsam" to "+14159637251"
    When "+14154618527" texts "3" to "+14159637251"
    When 267 seconds pass
    When "+33666619713" texts "aut quae maiores sunt quia." to "+14152145973"
    When "+447311169542" texts "inventore et expedita sint dolorem sunt." to "+14152145973"
    When "+34687988640" texts "voluptatem id quae aliquid fugit enim est." to "+14159637251"
    When "+4915116942710" texts "qui possimus accusamus rerum rerum nihil quos sequi." to "+14159637251"
    When "+14157077891" texts "voluptatem qui est sequi voluptatibus." to "+14159637251"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled
